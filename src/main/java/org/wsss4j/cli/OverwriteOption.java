package org.wsss4j.cli;

import picocli.CommandLine.Option;

/** --overwrite, shared by every command that writes a step folder. */
final class OverwriteOption {

    @Option(names = "--overwrite", description = "Where an output folder was made with other settings (its"
            + " settings.json differs), empty it and redo that step and the steps after it, instead of"
            + " refusing. Folders whose settings are equal are resumed either way.")
    boolean overwrite;
}
