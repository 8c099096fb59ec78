package org.wsss4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocSplit;

/** Resolves a list option that is either a split name (train, val, test, train_aug) or a list file. */
final class CliLists {
    private CliLists() {}

    static List<String> ids(VocDataset data, String listOrSplit) {
        boolean isSplit;
        try {
            VocSplit.parse(listOrSplit);
            isSplit = true;
        } catch (BadInputException notASplit) {
            isSplit = false;
        }
        List<String> ids;
        if (isSplit) {
            ids = data.ids(listOrSplit);
        } else {
            Path file = Path.of(listOrSplit);
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(listOrSplit + ": neither a split (train, val, test, train_aug) nor a list file");
            }
            ids = VocDataset.readList(file);
        }
        if (ids.isEmpty()) {
            throw new BadInputException(listOrSplit + ": the list holds no ids");
        }
        return ids;
    }
}
