package io.splitee.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolTest {

    @Test
    void thePluginIsAFileFoundByItsPropertyOrNamedWithItsPackage(@TempDir Path dir) throws Exception {
        Tool plugin = Tool.MOSQUITTO_DYNSEC;
        String before = System.getProperty(plugin.property());
        try {
            Path so = Files.write(dir.resolve("mosquitto_dynamic_security.so"), new byte[] {0x7f, 'E', 'L', 'F'});
            System.setProperty(plugin.property(), so.toString());
            assertEquals(so.toAbsolutePath(), plugin.path(), "a library, not a program: no probe, no exec bit");

            System.setProperty(plugin.property(), dir.resolve("missing.so").toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, plugin::path);
            assertEquals("mosquitto_dynamic_security.so not found in /usr/lib/x86_64-linux-gnu, "
                    + "/usr/lib/aarch64-linux-gnu, /usr/lib/arm-linux-gnueabihf, /usr/lib "
                    + "(or -Dsplitee.tool.mosquitto_dynamic_security.so=...): install Debian's mosquitto "
                    + "(apt-get install mosquitto, or run ./test as root)", e.getMessage());
            assertTrue(Tool.missing("MOSQUITTO_DYNSEC").contains(e.getMessage()));
        } finally {
            if (before == null) {
                System.clearProperty(plugin.property());
            } else {
                System.setProperty(plugin.property(), before);
            }
        }
    }
}
