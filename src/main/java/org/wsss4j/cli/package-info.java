/**
 * The {@code wsss4j} command line: one thin picocli class per command. Options take their defaults
 * from the parameter records' constants; no algorithm lives here.
 *
 * <p>May import: (root), io, data, data.image, data.synth, nn, eval, classifier, cam, crf, refine,
 * pipeline, bench, seg.
 */
package org.wsss4j.cli;
