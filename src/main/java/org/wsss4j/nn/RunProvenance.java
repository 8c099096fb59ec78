package org.wsss4j.nn;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who made a step folder or run folder: the wsss4j version, when, and on which backend, device
 * and JVM ({@link BackendInfo}). Recorded
 * beside a folder's settings ({@link org.wsss4j.io.StepFolder}) and in {@code run.json}, never
 * compared: the same settings resumed on another machine are the same experiment.
 */
public final class RunProvenance {
    private RunProvenance() {}

    public static Map<String, Object> madeBy() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wsss4j_version", Checkpoint.WSSS4J_VERSION);
        m.put("created", Instant.now().toString());
        m.put("backend", BackendInfo.describe());
        return m;
    }
}
