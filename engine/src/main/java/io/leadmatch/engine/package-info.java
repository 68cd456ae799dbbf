/**
 * leadmatch engine: normalization, the domain index, assignment, snapshot loading. No transport code.
 *
 * <h2>The public API</h2>
 *
 * {@link io.leadmatch.engine.LeadMatchEngine} is the facade: the server, the CLI and the benchmarks match, assign,
 * reload, explain and administer through it. Its value types and errors are public with it:
 *
 * <ul>
 *   <li>input and configuration: {@link io.leadmatch.engine.Lead}, {@link io.leadmatch.engine.EngineConfig},
 *       {@link io.leadmatch.engine.config.LeadmatchConfig} (the parsed {@code leadmatch.yaml}) and the settings it
 *       holds ({@link io.leadmatch.engine.config.MatchingConfig},
 *       {@link io.leadmatch.engine.assign.AssignmentSettings}, {@link io.leadmatch.engine.journal.JournalConfig},
 *       {@link io.leadmatch.engine.journal.FsyncPolicy}, {@link io.leadmatch.engine.snapshot.CsvColumns},
 *       {@link io.leadmatch.engine.snapshot.PostgresSourceConfig});
 *   <li>answers: {@link io.leadmatch.engine.MutableMatch} and {@link io.leadmatch.engine.assign.MutableAssignment}
 *       (reusable flyweights for the allocation-free paths), {@link io.leadmatch.engine.MatchAndAssignment},
 *       {@link io.leadmatch.engine.Outcome}, {@link io.leadmatch.engine.assign.Assignment},
 *       {@link io.leadmatch.engine.assign.AssignmentRule}, {@link io.leadmatch.engine.assign.Explanation},
 *       {@link io.leadmatch.engine.assign.TeamState}, {@link io.leadmatch.engine.assign.Availability},
 *       {@link io.leadmatch.engine.snapshot.LoadReport}, {@link io.leadmatch.engine.snapshot.AccountChange};
 *   <li>errors: {@link io.leadmatch.engine.SnapshotException}, {@link io.leadmatch.engine.DamagedStateFileException},
 *       {@link io.leadmatch.engine.RequestIdConflictException},
 *       {@link io.leadmatch.engine.journal.JournalUnavailableException}.
 * </ul>
 *
 * <h2>Public for the server, the CLI and the benchmarks</h2>
 *
 * <ul>
 *   <li>the server reads its own section of {@code leadmatch.yaml} with {@link io.leadmatch.engine.config.ConfigNode},
 *       the one YAML reader, and its {@code main} sets Chronicle's system properties and starts Chronicle's warm-up
 *       before any engine class loads ({@link io.leadmatch.engine.index.ChronicleSettings},
 *       {@link io.leadmatch.engine.index.DomainIndex#warmUpInBackground()});
 *   <li>the {@code audit} and {@code journal} commands read the journal without an engine through
 *       {@link io.leadmatch.engine.assign.Assigner}'s static export, verify and salvage methods and
 *       {@link io.leadmatch.engine.journal.JournalVerifier}'s reports;
 *   <li>the benchmarks measure parts on their own: the normalizer and host parser ({@code domain}), the region
 *       tables ({@code region}), the journal writer ({@code journal}: {@code Journal}, {@code PayloadWriter}),
 *       journal replay ({@code assign}: {@code Assigner}, {@code ProvisionalAccounts}, {@code IdempotencyCache});
 *       the data generator keeps generated domains usable with {@code domain}'s lists, and its test reads a
 *       generated export back through {@code snapshot}'s reader into the {@code crm} and {@code routing} tables.
 * </ul>
 *
 * <h2>Public for other engine packages</h2>
 *
 * <p>The engine is on the class path, not a named module, so a type another engine package uses is public. These
 * are implementation, free to change, and not for callers; {@code EnginePublicApiTest} in {@code bench} fails when
 * a public engine type has no user outside its own package.
 *
 * <ul>
 *   <li>the facade's parts: {@link io.leadmatch.engine.snapshot.SnapshotLoader} (loads, the export's fingerprint,
 *       the persisted index's name, the account change log), {@link io.leadmatch.engine.snapshot.CrmSnapshot} (a
 *       generation, which the assigner reads too), {@link io.leadmatch.engine.snapshot.CsvSnapshotReader} (the
 *       persisted tables a reload retires and closing waits for) and
 *       {@link io.leadmatch.engine.assign.LeadFingerprint} (what a request id was answered for, which the assigner
 *       journals);
 *   <li>what a generation holds, built by {@code snapshot} and read by the matcher and the assigner: the
 *       {@code crm} tables with the id maps they share with the builder ({@code KeyOrdinals}), the parsed
 *       routing.yaml of {@code routing} (its {@code JunkWords} applied by the matcher), and the domain index's
 *       entry layout and parallel fill ({@code index}: {@code DomainEntryLayout}, {@code IndexFill});
 *   <li>shared mechanisms: {@code concurrent} (daemon threads' futures, the polling lock, the clock), {@code json}
 *       (JSON text for the audit export and the load reports), the journal's record reader for the assigner
 *       ({@code journal.JournalRecord}), and the lists of {@code domain} that configuration and loading read.
 * </ul>
 */
package io.leadmatch.engine;
