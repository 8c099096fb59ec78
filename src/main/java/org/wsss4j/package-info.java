/**
 * wsss4j: weakly and semi-supervised semantic segmentation on ND4J and SameDiff (the AdvCAM
 * pipeline, {@code shared/reference/PIPELINE_SPEC.md} section 0). This package holds only what every
 * other package may use: {@link org.wsss4j.BadInputException} (the one-line, exit-code-2 error) and
 * {@link org.wsss4j.Futures}.
 *
 * <p>The data's way through the packages, each importing only packages above it:
 * io, data (with data.image, data.synth), nn, eval, classifier, cam, crf, refine, pipeline; then
 * cli (picocli, one class per command) and bench (benchmark harnesses). Each package's
 * {@code package-info.java} names what it may import in a line "May import: ...", and
 * {@code PackageImportsTest} holds every source file to it.
 *
 * <p>May import: nothing of wsss4j.
 */
package org.wsss4j;
