package dev.perennial.model.world;

import java.util.List;

/**
 * A document a tenant's application would send: a few sentences about what is new.
 *
 * @param id stable within the tenant ({@code acme-doc-3})
 * @param facts the facts it states
 * @param canary the canary it contains, or null
 */
public record SampleDocument(String id, String text, List<Fact> facts, Canary canary) {

  public boolean containsCanary() {
    return canary != null;
  }
}
