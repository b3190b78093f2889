package dev.perennial.helm;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields a typed Kubernetes object did not know. fabric8's and Strimzi's model classes
 * never fail on an unknown field: they keep it in {@code additionalProperties} (Jackson's "any"
 * setter). This walks every property the classes declare, recursively, and reports each such field
 * by its path, for example {@code .spec.template.spec.containers[0].livenesProbe}.
 */
final class UnknownFields {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private UnknownFields() {}

  static List<String> in(Object resource) {
    List<String> found = new ArrayList<>();
    walk(resource, "", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, child) -> walk(child, path + "." + key, found));
      return;
    }
    if (value instanceof Iterable<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", found);
      }
      return;
    }
    // An enum constant has no fields of its own; walking Strimzi's (AclRuleType) would recurse
    // through its constants for ever.
    if (value instanceof Enum<?> || !isModel(value.getClass())) {
      return;
    }
    BeanDescription bean =
        MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      AnnotatedMember accessor = property.getAccessor();
      if (accessor != null) {
        walk(accessor.getValue(value), path + "." + property.getName(), found);
      }
    }
    AnnotatedMember anyGetter = bean.findAnyGetter();
    if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> unknown) {
      unknown.keySet().forEach(key -> found.add(path + "." + key));
    }
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return name.startsWith("io.fabric8.kubernetes.api.model.")
        || name.startsWith("io.strimzi.api.");
  }
}
