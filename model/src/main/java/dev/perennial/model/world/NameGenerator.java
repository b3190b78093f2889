package dev.perennial.model.world;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/** Pronounceable invented names, never repeating a name already taken. */
final class NameGenerator {

  private static final List<String> ONSETS =
      List.of(
          "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st", "t",
          "tr", "v", "z", "th", "c", "j", "w");
  private static final List<String> VOWELS = List.of("a", "e", "i", "o", "u", "a", "e", "o");
  private static final List<String> CODAS = List.of("", "", "n", "r", "l", "s", "m", "x", "th");
  private static final List<String> PLACE_SUFFIXES =
      List.of("port", "ford", "holm", "dale", "wick", "by", "ton", "mere", "stead", "field");

  private final Random random;
  private final Set<String> taken;

  /**
   * @param taken names already in use (lower case); new names are added to it
   */
  NameGenerator(Random random, Set<String> taken) {
    this.random = random;
    this.taken = taken;
  }

  /** A brand or regulation name: two or three syllables. */
  String word() {
    return unique(() -> capitalize(syllables(2 + random.nextInt(2))));
  }

  /** A town: two syllables and a suffix. */
  String place() {
    return unique(() -> capitalize(syllables(2) + pick(PLACE_SUFFIXES)));
  }

  /** A first and a last name. */
  String person() {
    return unique(
        () -> capitalize(syllables(2)) + " " + capitalize(syllables(2 + random.nextInt(2))));
  }

  private String unique(java.util.function.Supplier<String> candidates) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      String name = candidates.get();
      if (taken.add(name.toLowerCase(Locale.ROOT))) {
        return name;
      }
    }
    throw new IllegalStateException("the name space is exhausted");
  }

  private String syllables(int count) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < count; i++) {
      name.append(pick(ONSETS)).append(pick(VOWELS));
      if (i == count - 1 || random.nextInt(3) == 0) {
        name.append(pick(CODAS));
      }
    }
    return name.toString();
  }

  private String pick(List<String> options) {
    return options.get(random.nextInt(options.size()));
  }

  private static String capitalize(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }
}
