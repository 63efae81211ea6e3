package io.splitee.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * An attacker's MQTT 5 publisher written from the specification, byte by byte: it sends whatever properties a
 * test asks for, also those our {@link Outgoing} (and the MQTT libraries) refuse to build, such
 * as a Response Topic with a wildcard. QoS 1 publishes, each waited for until the broker's PUBACK. Not a test
 * double: a real client, just one without validation.
 */
public final class RawPublisher implements AutoCloseable {
    /** The hostile properties of one PUBLISH; null or empty means absent. */
    public record Properties(String contentType, String responseTopic, byte[] correlationData,
                      List<Map.Entry<String, String>> userProperties) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private int packetId;

    public RawPublisher(int port, String clientId) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, "MQTT");
        v.write(5); // protocol version
        v.write(0x02); // clean start
        v.write(0);
        v.write(60); // keep alive
        vbi(v, 0); // no properties
        string(v, clientId);
        packet(0x10, v.toByteArray());
        int type = in.readUnsignedByte();
        byte[] body = body();
        if (type != 0x20 || body.length < 2 || body[1] != 0) {
            throw new IOException("CONNACK expected, got type 0x" + Integer.toHexString(type) + " reason "
                    + (body.length > 1 ? body[1] & 0xff : -1));
        }
    }

    /** Publishes with QoS 1 and waits for the PUBACK; fails on a reason code of 0x80 or more. */
    public void publish(String topic, byte[] payload, Properties p) throws IOException {
        packetId = packetId % 65_535 + 1;
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        if (p.contentType() != null) {
            props.write(0x03);
            string(props, p.contentType());
        }
        if (p.responseTopic() != null) {
            props.write(0x08);
            string(props, p.responseTopic());
        }
        if (p.correlationData() != null) {
            props.write(0x09);
            binary(props, p.correlationData());
        }
        if (p.userProperties() != null) {
            for (Map.Entry<String, String> e : p.userProperties()) {
                props.write(0x26);
                string(props, e.getKey());
                string(props, e.getValue());
            }
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        string(head, topic);
        head.write(packetId >> 8);
        head.write(packetId & 0xff);
        vbi(head, props.size());
        props.writeTo(head);
        int length = head.size() + payload.length;
        ByteArrayOutputStream fixed = new ByteArrayOutputStream();
        fixed.write(0x32); // PUBLISH, QoS 1
        vbi(fixed, length);
        fixed.writeTo(out);
        head.writeTo(out);
        out.write(payload);
        out.flush();
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = body();
            if (type == 0x40) {
                int id = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
                int reason = body.length > 2 ? body[2] & 0xff : 0;
                if (id != packetId || reason >= 0x80) {
                    throw new IOException("PUBACK for " + id + " (sent " + packetId + ") with reason 0x"
                            + Integer.toHexString(reason) + " on " + topic);
                }
                return;
            }
            if (type == 0xE0) {
                throw new IOException("the broker disconnected the publisher (reason "
                        + (body.length > 0 ? body[0] & 0xff : 0) + ") on " + topic);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(new byte[] {(byte) 0xE0, 0});
            out.flush();
        } catch (IOException e) {
            // already gone
        }
        socket.close();
    }

    private byte[] body() throws IOException {
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            length |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    private void packet(int type, byte[] body) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(type);
        vbi(p, body.length);
        p.write(body);
        p.writeTo(out);
        out.flush();
    }

    private static void vbi(ByteArrayOutputStream o, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            o.write(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }

    private static void string(ByteArrayOutputStream o, String s) {
        binary(o, s.getBytes(UTF_8));
    }

    private static void binary(ByteArrayOutputStream o, byte[] b) {
        if (b.length > 65_535) {
            throw new IllegalArgumentException("an MQTT string or binary holds at most 65535 bytes, not " + b.length);
        }
        o.write(b.length >> 8);
        o.write(b.length & 0xff);
        o.write(b, 0, b.length);
    }
}
