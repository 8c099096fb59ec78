/**
 * Benchmark harnesses run from {@code benchmarks/} (never in unit tests): ResNet forward and
 * gradient steps and AdvCAM climbs, timed beside their PyTorch counterparts, and one DeepLab-v2
 * ASPP branch in each form of a dilated convolution.
 *
 * <p>May import: (root), io, data, data.image, nn, classifier, cam.
 */
package org.wsss4j.bench;
