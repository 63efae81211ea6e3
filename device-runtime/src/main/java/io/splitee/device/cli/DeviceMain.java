package io.splitee.device.cli;

/** Entry point of {@code splitee-device.jar}. */
public final class DeviceMain {
    private DeviceMain() {
    }

    public static void main(String[] args) {
        System.out.println("splitee-device");
    }
}
