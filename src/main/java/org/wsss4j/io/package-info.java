/**
 * File formats and process plumbing shared by every stage: {@code .npy}/{@code .npz} (numpy's
 * formats, for maps and weights), JSON and CSV records, atomic writes (a killed run never leaves
 * a half-written output), step folders' settings, progress bars and log routing.
 *
 * <p>May import: (root).
 */
package org.wsss4j.io;
