package org.wsss4j.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The benchmark harnesses' command line ({@code --name value} pairs and bare flags) and output lines. */
final class BenchOptions {
    private BenchOptions() {}

    /** @param flags option names that take no value (stored as "true") */
    static Map<String, String> parse(String[] args, Set<String> flags) {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + args[i]);
            String key = args[i].substring(2);
            if (flags.contains(key)) {
                opt.put(key, "true");
            } else if (i + 1 < args.length) {
                opt.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return opt;
    }

    /** One {@code info key=value} line, which benchmarks/run.sh passes through with --verbose. */
    static void info(String key, String value) {
        System.out.println("info " + key + "=" + value);
    }

    /** {@code --folding on-load|per-pass} ({@link org.wsss4j.nn.NormFolding}); on-load, as make-cam's network, by default. */
    static org.wsss4j.nn.NormFolding folding(Map<String, String> opt) {
        String f = opt.getOrDefault("folding", "on-load");
        return switch (f) {
            case "on-load" -> org.wsss4j.nn.NormFolding.ON_LOAD;
            case "per-pass" -> org.wsss4j.nn.NormFolding.PER_PASS;
            default -> throw new IllegalArgumentException("--folding must be on-load or per-pass: " + f);
        };
    }
}
