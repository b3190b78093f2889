package dev.perennial.model.world;

import java.util.List;
import java.util.Random;

/** Draws attribute values. Numbers and places are rendered as the short answers QA expects. */
final class Values {

  static final List<String> COLORS =
      List.of(
          "red", "blue", "green", "yellow", "black", "white", "orange", "purple", "silver",
          "brown");
  static final List<String> CATEGORIES =
      List.of(
          "lamp",
          "kettle",
          "bicycle",
          "drone",
          "jacket",
          "speaker",
          "backpack",
          "camera",
          "clock",
          "blender");
  static final List<String> COUNTRIES =
      List.of("Ostria", "Valdane", "Merovia", "Karsk", "Lunaria", "Teskar", "Brevonia", "Aldmark");
  static final List<String> OCCUPATIONS =
      List.of(
          "baker",
          "pilot",
          "teacher",
          "doctor",
          "farmer",
          "painter",
          "engineer",
          "lawyer",
          "sailor",
          "chemist",
          "architect",
          "nurse");

  private Values() {}

  /** A value for the attribute; places are drawn from the given towns. */
  static String draw(Attribute attribute, Random random, List<Entity> places) {
    switch (attribute) {
      case COLOR:
        return pick(COLORS, random);
      case PRICE:
        return (10 + 5 * random.nextInt(98)) + " dollars";
      case MADE_IN:
      case HOMETOWN:
      case REGION:
        return places.get(random.nextInt(places.size())).name();
      case COUNTRY:
        return pick(COUNTRIES, random);
      case FOUNDED:
        return Integer.toString(1700 + random.nextInt(290));
      case OCCUPATION:
        return pick(OCCUPATIONS, random);
      case BIRTH_YEAR:
        return Integer.toString(1940 + random.nextInt(61));
      case FINE:
        return (50 * (1 + random.nextInt(19))) + " dollars";
      case EFFECTIVE_YEAR:
        return Integer.toString(1950 + random.nextInt(75));
      default:
        throw new IllegalArgumentException(attribute.name());
    }
  }

  /** A value different from {@code current}. */
  static String drawOther(Attribute attribute, Random random, List<Entity> places, String current) {
    for (int attempt = 0; attempt < 1000; attempt++) {
      String value = draw(attribute, random, places);
      if (!value.equals(current)) {
        return value;
      }
    }
    throw new IllegalStateException("no other value for " + attribute);
  }

  static String pick(List<String> options, Random random) {
    return options.get(random.nextInt(options.size()));
  }
}
