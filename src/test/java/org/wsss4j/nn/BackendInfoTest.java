package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wsss4j.io.Json;

class BackendInfoTest {

    @Test
    void describesTheCpuBackendAndThisJvm() throws IOException {
        Map<String, Object> info = BackendInfo.describe();
        assertEquals("CPU", info.get("backend"));
        String jvm = (String) info.get("jvm");
        assertTrue(jvm.startsWith(System.getProperty("java.vm.name") + " "), jvm);
        assertEquals(System.getProperty("java.version"), jvm.substring(jvm.lastIndexOf(' ') + 1));
        // the tests run on the natives the pom ships: Linux x86-64, with the extension the JVM was given
        assertEquals("linux-x86_64" + System.getProperty(BackendInfo.PLATFORM_EXTENSION, ""), info.get("native_build"));
        assertEquals(pomProperty("nd4j.version"), info.get("nd4j_version"));
        assertEquals(Runtime.getRuntime().availableProcessors(), info.get("cores"));
        assertTrue((Integer) info.get("threads") > 0, info.toString());
        assertFalse(info.containsKey("gpus"), info.toString());
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            Optional<String> model = Files.readAllLines(cpuinfo).stream()
                    .filter(l -> l.matches("model name\\s*:.*")).map(l -> l.split(":", 2)[1].trim()).findFirst();
            assertEquals(model.orElse(System.getProperty("os.arch")), info.get("device"));
        }
    }

    @Test
    void eachCallGetsItsOwnCopyOfTheSameDescription() {
        Map<String, Object> first = BackendInfo.describe();
        Map<String, Object> second = BackendInfo.describe();
        assertNotSame(first, second);
        assertEquals(first, second);
        first.put("backend", "changed");
        assertEquals(second, BackendInfo.describe());
    }

    @Test
    void theDescriptionSurvivesAJsonRoundTrip() throws IOException {
        Map<String, Object> info = BackendInfo.describe();
        assertEquals(info, Json.MAPPER.readValue(Json.toString(info), Map.class));
    }

    @Test
    void cudaDevicesNameTheDevice() {
        Properties env = new Properties();
        env.put("backend", "CUDA");
        env.put("blas.vendor", "CUBLAS");
        env.put("cores", 16);
        env.put("cuda.availableDevices", 2);
        env.put("cuda.devicesInformation", List.of(
                device("NVIDIA A100-SXM4-40GB", 42_505_273_344L, 8, 0),
                device("Tesla T4", 15_843_721_216L, 7, 5)));
        Map<String, Object> info = BackendInfo.describe(env, 8);
        assertEquals("CUDA", info.get("backend"));
        assertEquals("CUBLAS", info.get("blas"));
        assertEquals("NVIDIA A100-SXM4-40GB, Tesla T4", info.get("device"));
        assertEquals(List.of(
                Map.of("name", "NVIDIA A100-SXM4-40GB", "memory_bytes", 42_505_273_344L, "compute_capability", "8.0"),
                Map.of("name", "Tesla T4", "memory_bytes", 15_843_721_216L, "compute_capability", "7.5")),
                info.get("gpus"));
        assertEquals(16, info.get("cores"));
        assertEquals(8, info.get("threads"));
    }

    @Test
    void theCpuModelIsTheFirstModelNameLine() {
        List<String> lines = List.of("processor\t: 0", "vendor_id\t: GenuineIntel", "model\t\t: 85",
                "model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", "processor\t: 1", "model name\t: other");
        assertEquals("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", BackendInfo.cpuModel(lines));
        assertEquals(System.getProperty("os.arch"), BackendInfo.cpuModel(List.of("processor\t: 0", "model\t\t: 85")));
        assertEquals(System.getProperty("os.arch"), BackendInfo.cpuModel(List.of()));
    }

    private static Map<String, Object> device(String name, long totalMemory, int major, int minor) {
        Map<String, Object> d = new HashMap<>();
        d.put("cuda.deviceName", name);
        d.put("cuda.freeMemory", totalMemory / 2);
        d.put("cuda.totalMemory", totalMemory);
        d.put("cuda.deviceMajor", (long) major);
        d.put("cuda.deviceMinor", (long) minor);
        return d;
    }

    private static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), name + " not in pom.xml");
        return m.group(1).strip();
    }
}
