package org.wsss4j.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a run computed on: the ND4J backend (CPU or CUDA), its native build, the device, the
 * threads and the JVM, as a JSON-friendly map for run records. Only backend-neutral calls
 * ({@code Nd4j.getExecutioner().getEnvironmentInformation()}, {@code Nd4j.getEnvironment()}), so
 * the same code describes either backend. Worked out once per process: the answer does not change
 * while the process runs.
 */
public final class BackendInfo {
    /** The system property that selects the javacpp native build (the launcher sets it). */
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    private static final String ND4J_POM = "/META-INF/maven/org.nd4j/nd4j-api/pom.properties";

    private BackendInfo() {
    }

    private static final class Cached {
        static final Map<String, Object> INFO = Collections.unmodifiableMap(describe(
                Nd4j.getExecutioner().getEnvironmentInformation(), Nd4j.getEnvironment().maxThreads()));
    }

    /**
     * The backend of this process: "backend" (CPU, CUDA), "native_build" (javacpp platform and
     * extension, e.g. linux-x86_64-onednn-avx2), "blas", "device" (CPU model or GPU names), "gpus"
     * (CUDA only: name, memory, compute capability), "cores", "threads", "jvm", "nd4j_version".
     * Returns a fresh copy of a map worked out on the first call.
     */
    public static Map<String, Object> describe() {
        return new LinkedHashMap<>(Cached.INFO);
    }

    /**
     * The description from a backend's environment information ({@code backend}, {@code cores},
     * {@code blas.vendor}, and for CUDA {@code cuda.devicesInformation}: one map per device with
     * {@code cuda.deviceName}, {@code cuda.totalMemory}, {@code cuda.deviceMajor},
     * {@code cuda.deviceMinor}) and the backend's thread count.
     */
    static Map<String, Object> describe(Map<Object, Object> env, int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", String.valueOf(env.getOrDefault("backend", "unknown")));
        m.put("native_build", Loader.getPlatform() + System.getProperty(PLATFORM_EXTENSION, ""));
        if (env.get("blas.vendor") != null) {
            m.put("blas", String.valueOf(env.get("blas.vendor")));
        }
        List<Map<String, Object>> gpus = gpus(env.get("cuda.devicesInformation"));
        if (gpus.isEmpty()) {
            m.put("device", cpuModel(cpuInfo()));
        } else {
            List<String> names = new ArrayList<>();
            gpus.forEach(g -> names.add(String.valueOf(g.get("name"))));
            m.put("device", String.join(", ", names));
            m.put("gpus", gpus);
        }
        m.put("cores", env.get("cores") instanceof Number n ? n.intValue() : Runtime.getRuntime().availableProcessors());
        m.put("threads", threads);
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("nd4j_version", nd4jVersion());
        return m;
    }

    /** One entry per device of CUDA's {@code cuda.devicesInformation}; empty for anything else. */
    private static List<Map<String, Object>> gpus(Object devicesInformation) {
        List<Map<String, Object>> gpus = new ArrayList<>();
        if (devicesInformation instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> device) {
                    Map<String, Object> g = new LinkedHashMap<>();
                    g.put("name", String.valueOf(device.get("cuda.deviceName")));
                    if (device.get("cuda.totalMemory") instanceof Number total) {
                        g.put("memory_bytes", total.longValue());
                    }
                    if (device.get("cuda.deviceMajor") instanceof Number major
                            && device.get("cuda.deviceMinor") instanceof Number minor) {
                        g.put("compute_capability", major.intValue() + "." + minor.intValue());
                    }
                    gpus.add(Collections.unmodifiableMap(g));
                }
            }
        }
        return List.copyOf(gpus);
    }

    /** The first "model name" of {@code /proc/cpuinfo}'s lines, else the JVM's architecture name. */
    static String cpuModel(List<String> cpuInfo) {
        for (String line : cpuInfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("model name")) {
                return line.substring(colon + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    private static List<String> cpuInfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux: the architecture name stands in
        }
    }

    private static String nd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream(ND4J_POM)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
