package io.splitee.device.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PasswordFileTest {

    /** {@code mosquitto_passwd -U} (Mosquitto 2.0.11) on the line {@code u1:secret}. */
    private static final String MOSQUITTO_PASSWD_LINE = "u1:$7$101$BFURQo+0w7NT7eL/$pjT6JPt7l6o4qN+E47mqy1COkQ/WZ4tRKx"
            + "+o4AVcP6nMEK8TDVCyR/9+uTKK03/ws+/5gdSQ3ymTGVkJnNsG3w==";

    private static PasswordFile parse(String... lines) {
        return PasswordFile.parse("pw.txt", List.of(lines), new SecureRandom());
    }

    @Test
    void takesMosquittoPasswdHashesAsTheyAre() {
        PasswordFile.Hash h = parse(MOSQUITTO_PASSWD_LINE).hash("u1");
        assertEquals(101, h.iterations());
        assertArrayEquals(Base64.getDecoder().decode("BFURQo+0w7NT7eL/"), h.salt());
        assertTrue(h.matches("secret"), "PBKDF2-HMAC-SHA512 here gives mosquitto_passwd's hash");
        assertFalse(h.matches("Secret"));
    }

    @Test
    void computesWhatTheDynamicSecurityPluginStores() {
        // The client `mosquitto_ctrl dynsec init` (2.0.11) wrote for the password "adminpw".
        PasswordFile.Hash plugin = new PasswordFile.Hash(101, Base64.getDecoder().decode("u/741tqHUEWKbtLV"),
                Base64.getDecoder().decode("d/zsxhv1vbF9O3KSVtUNjSspqizxHr0NA0fHgTmsAr1gxqlmoCIGgfWq/zt4GXWubusGW1NfTa"
                        + "teq/QT+vI02Q=="));
        assertTrue(plugin.matches("adminpw"));
    }

    @Test
    void hashesPlainTextPasswordsWithAFreshSalt() {
        PasswordFile f = parse("# fleet passwords", "", "cam1:s3cret:with:colons", "gw1:other");
        assertEquals(Set.of("cam1", "gw1"), f.users());
        PasswordFile.Hash h = f.hash("cam1");
        assertEquals(PasswordFile.ITERATIONS, h.iterations());
        assertEquals(12, h.salt().length);
        assertEquals(64, h.hash().length);
        assertTrue(h.matches("s3cret:with:colons"), "everything after the first ':' is the password");
        assertFalse(java.util.Arrays.equals(h.salt(), parse("cam1:s3cret:with:colons").hash("cam1").salt()),
                "a new salt each time");
        assertFalse(h.toString().contains(Base64.getEncoder().encodeToString(h.hash())), h.toString());
    }

    @Test
    void malformedLinesAreOneLineErrorsWithoutThePassword() {
        assertBad("pw.txt: line 2: not user:password", "a:x", "no-colon-secret");
        assertBad("pw.txt: line 1: not user:password", ":secret");
        assertBad("pw.txt: line 1: user 'a' has an empty password", "a:");
        assertBad("pw.txt: line 2: user 'a' appears twice", "a:x1", "a:x2");
        assertBad("pw.txt: line 1: user 'a' has a Mosquitto hash of type $6$", "a:$6$c2FsdA==$aGFzaA==");
        assertBad("pw.txt: line 1: user 'a': a $7$ hash has the form", "a:$7$101$c2FsdA==");
        assertBad("pw.txt: line 1: user 'a': not a $7$ hash of mosquitto_passwd 2.0: the salt has 4 bytes, not 12",
                "a:$7$101$c2FsdA==$aGFzaA==");
        assertBad("pw.txt: line 1: user 'a': not a $7$ hash of mosquitto_passwd 2.0: iterations must be at least 1",
                "a:$7$0$BFURQo+0w7NT7eL/$aGFzaA==");
    }

    private static void assertBad(String expected, String... lines) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(lines));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String line : lines) {
            String secret = line.substring(line.indexOf(':') + 1);
            if (secret.length() > 2 && !secret.startsWith("$")) {
                assertFalse(e.getMessage().contains(secret), "the password is not in the message: " + e.getMessage());
            }
        }
    }
}
