"""Pure catalog model: entity refs, relation pairs, kinds and field formats. No I/O here."""
