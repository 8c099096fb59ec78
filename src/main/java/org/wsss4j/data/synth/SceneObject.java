package org.wsss4j.data.synth;

/**
 * One labelled object of a scene, in painting order (a later object lies on top).
 *
 * @param classIndex  VOC classifier index; the mask label is {@code classIndex + 1}
 * @param badgeX      left column of the badge square, {@code badgeY} its top row
 * @param badgeSide   side of the badge square in pixels (7 glyph cells: frame, 5 glyph cells, frame)
 * @param badgeShown  false when the badge is left off (badge dropout or {@code --no-badges}); the
 *                    badge square then shows the body texture, and its position is kept anyway
 * @param truncated   the outline reaches beyond the image border
 */
public record SceneObject(int classIndex, Outline outline, Texture texture, int badgeX, int badgeY,
                          int badgeSide, boolean badgeShown, boolean truncated) {

    /** Whether pixel (x, y) lies in the badge square (drawn or not). */
    public boolean inBadge(int x, int y) {
        return x >= badgeX && x < badgeX + badgeSide && y >= badgeY && y < badgeY + badgeSide;
    }

    /** Segmentation label of the object. */
    public int label() {
        return classIndex + 1;
    }

    SceneObject withTexture(Texture t) {
        return new SceneObject(classIndex, outline, t, badgeX, badgeY, badgeSide, badgeShown, truncated);
    }

    SceneObject withBadgeShown(boolean shown) {
        return new SceneObject(classIndex, outline, texture, badgeX, badgeY, badgeSide, shown, truncated);
    }
}
