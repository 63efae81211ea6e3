package io.splitee.replyauth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplyKeyTest {
    private static final byte[] PAYLOAD = "{\"sample_id\":\"s-1\"}".getBytes(UTF_8);

    @Test
    void theTagIsHmacSha256OfThePayloadInHex() {
        // computed by openssl:
        // printf '%s' '{"sample_id":"s-1"}' | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef
        ReplyKey k = ReplyKey.of("0123456789abcdef0123456789abcdef".getBytes(UTF_8));
        String tag = k.tag(PAYLOAD);
        assertEquals(64, tag.length());
        assertEquals(OPENSSL, tag);
        assertTrue(k.verifies(PAYLOAD, tag));
        assertFalse(k.verifies("{\"sample_id\":\"s-2\"}".getBytes(UTF_8), tag), "another payload");
        assertFalse(k.verifies(PAYLOAD, tag.replace(tag.charAt(0), tag.charAt(0) == 'a' ? 'b' : 'a')), "a changed tag");
        assertFalse(k.verifies(PAYLOAD, null));
        assertFalse(k.verifies(PAYLOAD, "zz" + tag.substring(2)), "not hex");
        assertFalse(k.verifies(PAYLOAD, tag.substring(1)), "too short");
        assertFalse(ReplyKey.of("another key of at least 32 bytes!".getBytes(UTF_8)).verifies(PAYLOAD, tag));
        assertEquals("ReplyKey[HmacSHA256, ***]", k.toString());
    }

    static final String OPENSSL = "56916b70bd0fb4b7fb4f6080234494614fe91abcfb198888c0d73de5910ac878";

    @Test
    void aKeyFileMustBeOwnerOnlyAndLongEnough(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("k"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplyKey.load("x.key", file));
        assertEquals("x.key " + file + " is readable by group or others; make it readable by the service user only "
                + "(chmod 600)", e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(OPENSSL, ReplyKey.load("x.key", file).tag(PAYLOAD), "the text, stripped, is the key");
        Files.writeString(file, "short");
        e = assertThrows(IllegalArgumentException.class, () -> ReplyKey.load("x.key", file));
        assertTrue(e.getMessage().startsWith("x.key " + file + ": the reply key has 5 bytes; at least 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReplyKey.load("x.key", dir.resolve("missing")));
        assertTrue(e.getMessage().startsWith("x.key " + dir.resolve("missing") + " cannot be read"), e.getMessage());
    }
}
