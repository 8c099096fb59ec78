/**
 * SameDiff building blocks, knowing nothing of any one stage: layers in NCHW or NHWC, ResNets with
 * torchvision names, frozen and trained batch norm, the hand-written input-gradient pass, poly SGD
 * (spec 1.4), the training loop, pooled inference sessions, the checkpoint format with its
 * provenance sidecar, what a run computed on ({@link org.wsss4j.nn.BackendInfo},
 * {@link org.wsss4j.nn.RunProvenance}), and PyTorch weight import and export. A stage's network lives with its
 * stage (classifier, refine for IRN).
 *
 * <p>May import: (root), io, data.
 */
package org.wsss4j.nn;
