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
 * <p>Every other public type is public only because a class of another engine package uses it (the engine is on
 * the class path, not a named module): {@code crm}, {@code routing}, {@code concurrent}, {@code json} and most of
 * {@code snapshot}, {@code index} and {@code assign} are implementation, free to change, and not for callers.
 */
package io.leadmatch.engine;
