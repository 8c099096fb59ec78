/**
 * The synthetic {@code shapes} dataset ({@code datasets/shapes/README.md}): textured objects with
 * class badges on textured backgrounds, written in the VOC 2012 layout so that every command runs
 * on it as on VOC. The embedded default of {@code reproduce}.
 *
 * <p>May import: (root), io, data, data.image.
 */
package org.wsss4j.data.synth;
