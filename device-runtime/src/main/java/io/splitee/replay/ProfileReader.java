package io.splitee.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.linkproxy.LinkProfile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads a cost profile JSON file, every problem naming the file and the field; and writes one. */
final class ProfileReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProfileReader() {
    }

    static CostProfile read(Path file) throws ProfileException {
        String name = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ProfileException("cost profile " + name + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ProfileException("cost profile " + name + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProfileException("cost profile " + name + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProfileException("cost profile " + name + ": must be a JSON object");
        }
        try {
            int schema = integer(root, "schema");
            if (schema != 1) {
                throw new IllegalArgumentException("schema: " + schema + " is not supported (1)");
            }
            double[] deviceBlocks = numbers(root, "device", "block_ms");
            double[] deviceExits = numbers(root, "device", "exit_ms");
            double[] gatewayBlocks = numbers(root, "gateway", "block_ms");
            double gatewayExit = number(object(root, "gateway"), "gateway.exit_ms", "exit_ms");
            JsonNode wire = object(root, "wire");
            Map<String, CostProfile.Wire> wires = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = wire.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "wire." + e.getKey();
                if (!e.getValue().isObject()) {
                    throw new IllegalArgumentException(field + ": must be an object with raw and features");
                }
                long raw = (long) number(e.getValue(), field + ".raw", "raw");
                double[] f = array(e.getValue(), field + ".features", "features");
                long[] bytes = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    bytes[i] = Math.round(f[i]);
                }
                try {
                    wires.put(e.getKey(), new CostProfile.Wire(raw, bytes));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(field + "." + x.getMessage(), x);
                }
            }
            Optional<LinkProfile> link = Optional.empty();
            JsonNode l = root.get("link");
            if (l != null && !l.isNull()) {
                if (!l.isObject()) {
                    throw new IllegalArgumentException("link: must be an object with bits_per_second and rtt_ms");
                }
                double bps = number(l, "link.bits_per_second", "bits_per_second");
                double rtt = number(l, "link.rtt_ms", "rtt_ms");
                link = Optional.of(new LinkProfile("profile", Math.round(bps), Duration.ofNanos(Math.round(rtt * 1e6))));
            }
            Optional<CostProfile.Energy> energy = Optional.empty();
            JsonNode en = root.get("energy");
            if (en != null && !en.isNull()) {
                if (!en.isObject()) {
                    throw new IllegalArgumentException("energy: must be an object with block_mj, exit_mj and "
                            + "link_mj_per_byte");
                }
                JsonNode estimated = en.get("estimated");
                if (estimated != null && !estimated.isBoolean()) {
                    throw new IllegalArgumentException("energy.estimated: not true or false");
                }
                JsonNode source = en.get("source");
                if (source != null && !source.isTextual()) {
                    throw new IllegalArgumentException("energy.source: not a string");
                }
                double[] blockMj = numbers(root, "energy", "block_mj");
                if (blockMj.length != deviceBlocks.length) {
                    throw new IllegalArgumentException("energy.block_mj: has " + blockMj.length + " entries, expected "
                            + deviceBlocks.length);
                }
                energy = Optional.of(new CostProfile.Energy(blockMj,
                        numbers(root, "energy", "exit_mj"), number(en, "energy.link_mj_per_byte", "link_mj_per_byte"),
                        estimated != null && estimated.booleanValue(), source == null ? "" : source.textValue()));
            }
            return new CostProfile(name, new CostProfile.Device(deviceBlocks, deviceExits),
                    new CostProfile.Gateway(gatewayBlocks, gatewayExit), wires, link, energy);
        } catch (IllegalArgumentException e) {
            throw new ProfileException("cost profile " + name + ": " + e.getMessage());
        }
    }

    static void write(CostProfile p, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", 1);
        ObjectNode device = root.putObject("device");
        put(device.putArray("block_ms"), p.device().blockMs());
        put(device.putArray("exit_ms"), p.device().exitMs());
        ObjectNode gateway = root.putObject("gateway");
        put(gateway.putArray("block_ms"), p.gateway().blockMs());
        gateway.put("exit_ms", p.gateway().exitMs());
        ObjectNode wire = root.putObject("wire");
        p.wire().forEach((name, w) -> {
            ObjectNode e = wire.putObject(name);
            e.put("raw", w.rawBytes());
            ArrayNode f = e.putArray("features");
            for (long b : w.featureBytes()) {
                f.add(b);
            }
        });
        p.link().ifPresent(l -> {
            ObjectNode link = root.putObject("link");
            link.put("name", l.name());
            link.put("bits_per_second", l.bitsPerSecond());
            link.put("rtt_ms", l.roundTrip().toNanos() / 1e6);
        });
        p.energy().ifPresent(e -> {
            ObjectNode energy = root.putObject("energy");
            energy.put("estimated", e.estimated());
            energy.put("source", e.source());
            put(energy.putArray("block_mj"), e.blockMj());
            put(energy.putArray("exit_mj"), e.exitMj());
            energy.put("link_mj_per_byte", e.linkMjPerByte());
        });
        java.nio.file.Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static void put(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    private static JsonNode object(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(key + ": missing or not an object");
        }
        return n;
    }

    private static int integer(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(key + ": missing or not an integer");
        }
        return n.intValue();
    }

    private static double number(JsonNode parent, String field, String key) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(field + ": missing or not a number");
        }
        double v = n.doubleValue();
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + ": " + v + " must be a finite number ≥ 0");
        }
        return v;
    }

    private static double[] numbers(JsonNode root, String section, String key) {
        return array(object(root, section), section + "." + key, key);
    }

    private static double[] array(JsonNode parent, String field, String key) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException(field + ": missing or not an array of numbers");
        }
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = n.get(i);
            if (!x.isNumber()) {
                throw new IllegalArgumentException(field + "[" + i + "]: not a number");
            }
            v[i] = x.doubleValue();
        }
        return v;
    }
}
