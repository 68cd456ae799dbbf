package io.leadmatch.engine.index;

import static org.junit.jupiter.api.Assertions.*;

import it.unimi.dsi.fastutil.objects.Object2LongLinkedOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.openhft.chronicle.core.values.LongValue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Views made by {@link DomainIndex#withChanges} (incremental account changes), fuzzed against a HashMap reference:
 * every view answers as the reference does after its batches, and neither the root nor an earlier view ever
 * changes (calls still running on a previous generation must not see a later batch).
 */
class DomainIndexViewTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void viewsAgreeWithAReferenceAndNeverChangeWhatCameBefore(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> universe = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            universe.add("d" + i + "-" + r.nextInt(1000) + (r.nextInt(5) == 0 ? ".co.uk" : ".com"));
        }
        Object2LongOpenHashMap<String> initial = new Object2LongOpenHashMap<>();
        for (int i = 0; i < 300; i++) {
            initial.put(universe.get(r.nextInt(universe.size())), DomainEntryLayout.account(r.nextInt(10_000), false));
        }
        Path file = seed % 2 == 0 ? tmp.resolve("domains-x.cm3") : null;
        try (DomainIndex root = DomainIndex.build(initial, List.of(), file, false)) {
            Map<String, Long> rootModel = new HashMap<>(initial);
            List<DomainIndex> views = new ArrayList<>();
            List<Map<String, Long>> models = new ArrayList<>();
            DomainIndex current = root;
            Map<String, Long> model = new HashMap<>(rootModel);
            for (int batch = 0; batch < 25; batch++) {
                Object2LongLinkedOpenHashMap<String> changes = new Object2LongLinkedOpenHashMap<>();
                for (int i = 0, n = 1 + r.nextInt(40); i < n; i++) {
                    String key = universe.get(r.nextInt(universe.size()));
                    long e = r.nextInt(3) == 0
                            ? DomainEntryLayout.MISSING
                            : r.nextBoolean()
                                    ? DomainEntryLayout.conflict(r.nextInt(100), r.nextBoolean())
                                    : DomainEntryLayout.account(r.nextInt(10_000), false);
                    changes.put(key, e);
                }
                current = current.withChanges(changes, List.of());
                model = new HashMap<>(model);
                for (var c : changes.object2LongEntrySet()) {
                    if (c.getLongValue() == DomainEntryLayout.MISSING) {
                        model.remove(c.getKey());
                    } else {
                        model.put(c.getKey(), c.getLongValue());
                    }
                }
                views.add(current);
                models.add(model);
                assertTrue(current.hasChanges());
            }
            LongValue holder = DomainIndex.newValueHolder();
            for (int v = 0; v < views.size(); v++) {
                assertAgrees(views.get(v), models.get(v), universe, holder);
            }
            assertAgrees(root, rootModel, universe, holder);
            if (file != null) {
                assertTrue(
                        Files.isRegularFile(file.resolveSibling(file.getFileName() + ".ready")),
                        "views never write into the persisted map, so its marker stays valid");
            }
        }
    }

    private static void assertAgrees(
            DomainIndex index, Map<String, Long> model, List<String> universe, LongValue holder) {
        for (String key : universe) {
            assertEquals(
                    model.getOrDefault(key, DomainEntryLayout.MISSING), index.get(new StringBuilder(key), holder), key);
        }
        assertEquals(model.size(), index.size());
    }
}
