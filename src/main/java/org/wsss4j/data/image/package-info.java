/**
 * Images and per-pixel maps: RGB and palette-PNG reading and writing, PIL-compatible resizing,
 * torchvision normalisation (spec 1.2), crops and flips, label maps, and {@link
 * org.wsss4j.data.image.CamMaps}, the attribution-map file every stage after make-cam reads.
 *
 * <p>May import: (root), io, data.
 */
package org.wsss4j.data.image;
