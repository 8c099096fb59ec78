import org.wsss4j.data.synth.Scene;
import org.wsss4j.data.synth.SceneObject;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;

/**
 * Prints where the synthetic dataset put each object's badge, one line per object of the first N
 * images: {@code id label badgeX badgeY badgeSide shown}. The dataset's files do not record badges
 * (VOC's layout has no place for them); the generator is deterministic, so this redraws the scenes.
 *
 * <pre>
 * java -cp "target/wsss4j.jar:target/lib/*" experiments/BadgeList.java N [BADGE_CELL] [SIZE] [SEED] > badges.txt
 * </pre>
 * BADGE_CELL, SIZE and SEED are synth's --badge-cell, --size and --seed (0 = synth's default cell).
 */
public class BadgeList {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: BadgeList N [BADGE_CELL] [SIZE] [SEED]");
            System.exit(2);
        }
        ShapesConfig config = ShapesConfig.defaults();
        if (args.length > 1) config = config.withBadgeCell(Integer.parseInt(args[1]));
        if (args.length > 2) config = config.withSize(Integer.parseInt(args[2]));
        if (args.length > 3) config = config.withSeed(Long.parseLong(args[3]));
        ShapesDataset dataset = new ShapesDataset(config);
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            Scene scene = dataset.scene(i);
            for (SceneObject o : scene.objects()) {
                System.out.printf("%s %d %d %d %d %b%n", scene.id(), o.label(), o.badgeX(), o.badgeY(),
                        o.badgeSide(), o.badgeShown());
            }
        }
    }
}
