/**
 * Benchmark harnesses run from {@code benchmarks/} (never in unit tests): ResNet forward and
 * gradient steps, AdvCAM climbs and DeepLab-v2's training step and prediction, timed beside their
 * PyTorch counterparts, and one dilated convolution in each of its forms.
 *
 * <p>May import: (root), io, data, data.image, data.synth, nn, classifier, cam, seg.
 */
package org.wsss4j.bench;
