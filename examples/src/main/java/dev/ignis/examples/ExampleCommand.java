package dev.ignis.examples;

import picocli.CommandLine.Command;

/** {@code ignis example NAME}: the runnable example programs. */
@Command(name = "example", description = "Example programs.", subcommands = {QuickStart.class, SwaExample.class, MyAddExample.class,
        TransformerExample.class})
final class ExampleCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
