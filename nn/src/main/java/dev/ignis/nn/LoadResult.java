package dev.ignis.nn;

import java.util.List;

/** What {@link Module#loadStateDict} did not match: keys the module expected but the dict lacked, and the reverse. */
public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
}
