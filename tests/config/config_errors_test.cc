// Malformed configurations: each is rejected with one line naming the exact line and column, what is
// wrong and what was expected. Inline cases first, then files under data/.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "mapscope/config/config_error.h"
#include "mapscope/config/loader.h"

namespace mapscope::config {
namespace {

struct BadConfig {
  const char* name;  // test name
  const char* yaml;
  std::size_t line;
  std::size_t column;
  const char* message;
};

// A scenario whose first phase is written by each case after this prefix (phase at line 4, column 9;
// phase keys at column 9 from line 4, values of a key `k` at column 9 + len(k) + 2).
#define PHASE_PREFIX "scenarios:\n  - name: a\n    phases:\n      - name: p\n"

// Expected texts and YAML that many cases share.
#define DURATION_FORMS \
  "expected integers with units y, w, d, h, m, s, ms, us, ns in that order, e.g. 250us, 100ms, 1m30s"
#define SIZE_FORMS \
  "expected bytes as an integer, optionally with one IEC unit B, KiB, MiB, GiB, TiB, PiB, EiB, e.g. 64MiB"
#define HOST_PORT "expected HOST:PORT such as 127.0.0.1:8931 (port 0 picks a free one)"
#define EMPTY_LABEL_VALUE "empty label value (Prometheus drops empty labels); expected some text"
#define RESERVED_LABEL "is reserved (the exporter sets it); expected another name"
#define SYMBOL_PATH "expected a package path and a variable, such as main.sessions or main.srv.cache"
#define PHASE_ENDS "expected exactly one of duration, operations, forever, until"
#define NO_WEIGHT "weights sum to 0; expected at least one of insert, update, delete, lookup above 0"
#define UNTIL_CONDITIONS "growing, entries_at_least, entries_at_most"
#define INSERT_MIX "        mix: {insert: 1}\n"
#define INSERT_FOREVER INSERT_MIX "        forever: true\n"

const BadConfig kBadConfigs[] = {
    // YAML syntax.
    {"UnclosedFlowSequence", "a: [1, 2\nb: 3\n", 2, 2, "YAML syntax error: end of sequence flow not found"},
    {"MapValueInPlainScalar", "server: listen: 1\n", 1, 15, "YAML syntax error: illegal map value"},
    {"BadIndentation", "server:\n  telemetry_path: /m\n   max_tracked_maps: 3\n", 3, 20,
     "YAML syntax error: illegal map value"},
    {"UnterminatedQuoteAtEnd", "labels:\n  team: \"core", 2, 14, "YAML syntax error: illegal EOF in scalar"},
    {"UndefinedAlias", "labels:\n  team: *core\n", 2, 9,
     "YAML syntax error: the referenced anchor is not defined"},
    {"TwoDocuments", "server: {}\n---\nlabels: {}\n", 3, 1,
     "a second YAML document; expected a single document"},
    // yaml-cpp 0.7's LoadAll loops forever, allocating, on a ',' where a document starts (found by fuzzing).
    {"StrayCommaAtStart", ",\n", 1, 1, "YAML syntax error: unexpected ','"},
    {"StrayCommaBeforeAMapping", ", server: {}\nlabels: {}\n", 1, 1, "YAML syntax error: unexpected ','"},
    // Found by fuzzing: to_yaml wrote the byte back as U+FFFD, so the round trip changed the path.
    {"WebConfigFileNotUtf8", "server:\n  web_config_file: web\xd3.yml\n", 2, 20,
     "server.web_config_file: the path is not valid UTF-8; expected a UTF-8 path"},

    // Structure and unknown keys.
    {"TopLevelList", "- server\n", 1, 1,
     "expected a mapping with keys server, labels, collector, scenarios, go_targets, got a list"},
    {"TopLevelTypo", "server: {}\nscenario: []\n", 2, 1,
     "unknown key \"scenario\" at top level; did you mean \"scenarios\"?"},
    {"TopLevelUnknown", "metrics: {}\n", 1, 1,
     "unknown key \"metrics\" at top level; expected one of server, labels, collector, scenarios, "
     "go_targets"},
    {"ServerTypo", "server:\n  listen_adress: 127.0.0.1:1\n", 2, 3,
     "unknown key \"listen_adress\" in server; did you mean \"listen_address\"?"},
    {"CollectorTransposition", "collector:\n  intreval: 1s\n", 2, 3,
     "unknown key \"intreval\" in collector; did you mean \"interval\"?"},
    {"PhaseUnknownKeyNoSuggestion", PHASE_PREFIX INSERT_MIX "        weight: 3\n        forever: true\n", 6,
     9,
     "unknown key \"weight\" in scenarios[0].phases[0]; expected one of name, mix, keys, rate, duration, "
     "operations, forever, until"},
    {"MixUnknownOperation", PHASE_PREFIX "        mix: {insert: 1, remove: 1}\n        forever: true\n", 5,
     26,
     "unknown key \"remove\" in scenarios[0].phases[0].mix; expected one of insert, update, delete, lookup"},
    {"SectionIsAList", "collector: [enabled]\n", 1, 12,
     "collector: expected a mapping with keys enabled, interval, budget, max_pause, trim_threshold, got a "
     "list"},
    {"ScenariosIsAMapping", "scenarios: {a: 1}\n", 1, 12,
     "scenarios: expected a list of scenarios, got a mapping"},
    {"NonScalarKey", "labels:\n  [a, b]: c\n", 2, 3, "expected a plain key in labels, got a list"},

    // Duplicate keys.
    {"DuplicateCollectorKey", "collector:\n  interval: 1s\n  budget: 1ms\n  interval: 2s\n", 4, 3,
     "duplicate key \"interval\" in collector (first at line 2); expected each key once"},
    {"DuplicateTopLevelKey", "server: {}\nlabels: {}\nserver: {}\n", 3, 1,
     "duplicate key \"server\" at top level (first at line 1); expected each key once"},
    {"DuplicateInFlowMapping", PHASE_PREFIX "        mix: {insert: 1, insert: 2}\n        forever: true\n", 5,
     26, "duplicate key \"insert\" in scenarios[0].phases[0].mix (first at line 5); expected each key once"},
    {"DuplicateLabel", "labels:\n  team: a\n  team: b\n", 3, 3,
     "duplicate key \"team\" in labels (first at line 2); expected each key once"},

    // Wrong types and out-of-range numbers.
    {"BoolAsYes", "collector:\n  enabled: yes\n", 2, 12,
     "collector.enabled: expected true or false, got \"yes\""},
    {"QuotedInteger", "server:\n  max_tracked_maps: \"5\"\n", 2, 21,
     "server.max_tracked_maps: expected an integer, got the quoted string \"5\""},
    {"IntegerAsMapping", "server:\n  max_tracked_maps: {n: 5}\n", 2, 21,
     "server.max_tracked_maps: expected an integer, got a mapping"},
    {"TrackedMapsZero", "server:\n  max_tracked_maps: 0\n", 2, 21,
     "server.max_tracked_maps: 0 is out of range; expected an integer from 1 to 1000000"},
    {"TrackedMapsNegative", "server:\n  max_tracked_maps: -3\n", 2, 21,
     "server.max_tracked_maps: -3 is out of range; expected an integer from 1 to 1000000"},
    {"IntegerOverflow", "server:\n  max_tracked_maps: 99999999999999999999999\n", 2, 21,
     "server.max_tracked_maps: 99999999999999999999999 is out of range; expected an integer from 1 to "
     "1000000"},
    {"EmptyValue", "collector:\n  interval:\n  budget: 1ms\n", 2, 3,
     "collector.interval: expected a duration such as 100ms, got nothing"},
    {"HintNotAnInteger", PHASE_PREFIX INSERT_FOREVER "    map: {hint: 1e6}\n", 7, 17,
     "scenarios[0].map.hint: expected an integer, got \"1e6\""},
    {"WeightTooLarge", PHASE_PREFIX "        mix: {lookup: 1000001}\n        forever: true\n", 5, 23,
     "scenarios[0].phases[0].mix.lookup: 1000001 is out of range; expected an integer from 0 to 1000000"},
    {"OperationsFraction", PHASE_PREFIX INSERT_MIX "        operations: 1.5\n", 6, 21,
     "scenarios[0].phases[0].operations: expected an integer, got \"1.5\""},
    {"OperationsZero", PHASE_PREFIX INSERT_MIX "        operations: 0\n", 6, 21,
     "scenarios[0].phases[0].operations: 0 is out of range; expected an integer from 1 to 1000000000000000"},
    {"RateZero", PHASE_PREFIX INSERT_MIX "        rate: 0\n        forever: true\n", 6, 15,
     "scenarios[0].phases[0].rate: 0 is out of range; expected a number above 0 and at most 1000000000"},
    {"RateWord", PHASE_PREFIX INSERT_MIX "        rate: fast\n        forever: true\n", 6, 15,
     "scenarios[0].phases[0].rate: expected operations per second or unlimited, got \"fast\""},
    {"ValueSizeTooLarge", PHASE_PREFIX INSERT_FOREVER "    map:\n      value: {type: bytes, size: 2MiB}\n", 8,
     34, "scenarios[0].map.value.size: 2MiB is out of range; expected a size from 1 to 1MiB"},
    {"KeyLengthTooLarge", PHASE_PREFIX INSERT_FOREVER "    map:\n      key: {type: string, length: 5000}\n",
     8, 35, "scenarios[0].map.key.length: 5000 is out of range; expected an integer from 1 to 4096"},
    {"RepeatZero", PHASE_PREFIX INSERT_MIX "        operations: 5\n    repeat: 0\n", 7, 13,
     "scenarios[0].repeat: 0 is out of range; expected an integer from 1 to 1000000000"},
    {"RepeatWord", PHASE_PREFIX INSERT_MIX "        operations: 5\n    repeat: always\n", 7, 13,
     "scenarios[0].repeat: expected a count from 1 to 1000000000 or forever, got \"always\""},

    // Durations and sizes.
    {"DurationWithoutUnit", "collector:\n  interval: 100\n", 2, 13,
     "collector.interval: invalid duration \"100\": missing unit; " DURATION_FORMS},
    {"DurationUnitsOutOfOrder", "collector:\n  interval: 1s5m\n", 2, 13,
     "collector.interval: invalid duration \"1s5m\": units out of order or repeated; " DURATION_FORMS},
    {"DurationFraction", PHASE_PREFIX INSERT_MIX "        duration: 1.5s\n", 6, 19,
     "scenarios[0].phases[0].duration: invalid duration \"1.5s\": unknown unit \".\"; " DURATION_FORMS},
    {"DurationOutOfRange", "collector:\n  interval: 2h\n", 2, 13,
     "collector.interval: 2h is out of range; expected a duration from 1ms to 1h"},
    {"SizeDecimalUnit", "collector:\n  trim_threshold: 1MB\n", 2, 19,
     "collector.trim_threshold: invalid size \"1MB\": decimal unit \"MB\" (sizes use powers of "
     "1024); " SIZE_FORMS},
    {"BudgetAboveInterval", "collector:\n  interval: 10ms\n  budget: 20ms\n", 3, 11,
     "collector: budget (20ms) exceeds interval (10ms); expected budget <= interval"},
    {"IntervalBelowDefaultBudget", "collector:\n  interval: 500us\n", 2, 13,
     "collector.interval: 500us is out of range; expected a duration from 1ms to 1h"},
    {"MaxPauseAboveBudget", "collector:\n  max_pause: 2ms\n", 2, 14,
     "collector: max_pause (2ms) exceeds budget (1ms); expected max_pause <= budget"},

    // Enumerations.
    {"UnknownHash", PHASE_PREFIX INSERT_FOREVER "    map: {hash: weakk}\n", 7, 17,
     "scenarios[0].map.hash: unknown value \"weakk\"; expected one of default, weak (did you mean "
     "\"weak\"?)"},
    {"UnknownProfile", PHASE_PREFIX INSERT_FOREVER "    map: {profile: go1.19}\n", 7, 20,
     "scenarios[0].map.profile: unknown value \"go1.19\"; expected one of go1.22, go1.21"},
    {"CapitalisedMaintenance", PHASE_PREFIX INSERT_FOREVER "    map: {maintenance: Active}\n", 7, 24,
     "scenarios[0].map.maintenance: unknown value \"Active\"; expected one of go, active (did you mean "
     "\"active\"?)"},
    {"UnknownKeyType", PHASE_PREFIX INSERT_FOREVER "    map: {key: uint64}\n", 7, 16,
     "scenarios[0].map.key: unknown value \"uint64\"; expected one of int64, string (did you mean "
     "\"int64\"?)"},
    {"UnknownPattern", PHASE_PREFIX INSERT_MIX "        keys: {pattern: random}\n        forever: true\n", 6,
     25,
     "scenarios[0].phases[0].keys.pattern: unknown value \"random\"; expected one of sequential, uniform, "
     "zipfian"},

    // Labels and names.
    {"ReservedLabel", "labels:\n  job: api\n", 2, 3, "labels: label name \"job\" " RESERVED_LABEL},
    {"ReservedMapLabel", "labels:\n  team: a\n  map: b\n", 3, 3,
     "labels: label name \"map\" " RESERVED_LABEL},
    {"LabelNameSyntax", "labels:\n  team-name: a\n", 2, 3,
     "labels: invalid label name \"team-name\"; expected [a-zA-Z_][a-zA-Z0-9_]*"},
    {"LabelNameDoubleUnderscore", "labels:\n  __meta: a\n", 2, 3,
     "labels: label name \"__meta\" starts with \"__\", which Prometheus reserves; expected another name"},
    {"EmptyLabelValue", "labels:\n  team: \"\"\n", 2, 9, "labels.team: " EMPTY_LABEL_VALUE},
    {"ControlCharactersAreEscaped", "labels:\n  \"bad\\nname\": x\n", 2, 3,
     "labels: invalid label name \"bad\\nname\"; expected [a-zA-Z_][a-zA-Z0-9_]*"},
    {"LongTextIsShortened",
     "server:\n  listen_address: "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
     2, 19,
     "server.listen_address: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" has no "
     "port; " HOST_PORT},
    {"LabelValueList", "labels:\n  team: [a]\n", 2, 9, "labels.team: expected a string, got a list"},
    {"EmptyScenarioName", "scenarios:\n  - name: \"\"\n    phases: []\n", 2, 11,
     "scenarios[0].name: " EMPTY_LABEL_VALUE},
    {"DuplicateScenarioName",
     "scenarios:\n  - {name: a, phases: [{name: p, mix: {insert: 1}, forever: true}]}\n  - {name: b, phases: "
     "[{name: p, mix: {insert: 1}, forever: true}]}\n  - {name: a, phases: [{name: p, mix: {insert: 1}, "
     "forever: true}]}\n",
     4, 12, "scenarios[2]: duplicate scenario name \"a\" (first at line 2); expected unique names"},
    {"DuplicatePhaseName",
     PHASE_PREFIX INSERT_MIX
     "        operations: 5\n      - name: p\n        mix: {lookup: 1}\n        forever: true\n",
     7, 15,
     "scenarios[0].phases[1]: duplicate phase name \"p\" (first at line 4); expected unique names in a "
     "scenario"},

    // Server values.
    {"ListenAddressWithoutPort", "server:\n  listen_address: localhost\n", 2, 19,
     "server.listen_address: \"localhost\" has no port; " HOST_PORT},
    {"ListenAddressIpv6", "server:\n  listen_address: \"[::1]:8931\"\n", 2, 19,
     "server.listen_address: IPv6 addresses are not supported by the HTTP server; " HOST_PORT},
    {"TelemetryPathShadowsHealth", "server:\n  telemetry_path: /healthz\n", 2, 19,
     "server.telemetry_path: \"/healthz\" is served by the exporter itself; expected another path such as "
     "/metrics"},
    {"TooManyScenarios",
     "server:\n  max_tracked_maps: 1\nscenarios:\n  - {name: a, phases: [{name: p, mix: {insert: 1}, "
     "forever: true}]}\n  - {name: b, phases: [{name: p, mix: {insert: 1}, forever: true}]}\n",
     3, 1, "scenarios: 2 scenarios exceed server.max_tracked_maps (1); expected at most that many"},

    // Go targets.
    {"GoTargetUnknownKey", "go_targets:\n  - pid: 5\n    symbols: [main.a]\n", 3, 5,
     "unknown key \"symbols\" in go_targets[0]; expected one of name, pid, pid_file, exe, maps, min_bytes"},
    {"GoTargetKeyTypo", "go_targets:\n  - exe: /bin/a\n    min_byte: 1KiB\n", 3, 5,
     "unknown key \"min_byte\" in go_targets[0]; did you mean \"min_bytes\"?"},
    {"GoTargetPidAndExe", "go_targets:\n  - pid: 5\n    exe: /usr/bin/api\n", 3, 5,
     "go_targets[0]: both \"pid\" and \"exe\"; expected exactly one of pid, pid_file, exe"},
    {"GoTargetNothingToWatch", "go_targets:\n  - name: api\n", 2, 5,
     "go_targets[0]: no process to watch; expected exactly one of pid, pid_file, exe"},
    {"GoTargetRelativeExe", "go_targets:\n  - exe: bin/api\n", 2, 10,
     "go_targets[0].exe: \"bin/api\" is not an absolute path to a file; expected a path such as "
     "/usr/bin/prometheus"},
    {"GoTargetPidZero", "go_targets:\n  - pid: 0\n", 2, 10,
     "go_targets[0].pid: 0 is out of range; expected an integer from 1 to 4194304"},
    {"GoTargetPidQuoted", "go_targets:\n  - pid: \"12\"\n", 2, 10,
     "go_targets[0].pid: expected an integer, got the quoted string \"12\""},
    {"GoTargetDuplicateName", "go_targets:\n  - {name: api, pid: 5}\n  - name: api\n    exe: /usr/bin/api\n",
     3, 11,
     "go_targets[1]: duplicate target name \"api\" (first at line 2); expected unique names (give one with "
     "name:)"},
    {"GoTargetDuplicateExeName", "go_targets:\n  - exe: /usr/bin/api\n  - exe: /opt/bin/api\n", 3, 5,
     "go_targets[1]: duplicate target name \"api\" (first at line 2); expected unique names (give one with "
     "name:)"},
    {"GoTargetSameProcessTwice", "go_targets:\n  - {name: a, pid: 7}\n  - {name: b, pid: 7}\n", 3, 5,
     "go_targets[1]: watches the same process as go_targets[0] (first at line 2); expected each process "
     "watched once"},
    {"GoTargetBadSymbol", "go_targets:\n  - pid: 5\n    maps: [main.ok, \"main.bad name\"]\n", 3, 21,
     "go_targets[0].maps[1]: invalid symbol path \"main.bad name\"; " SYMBOL_PATH},
    {"GoTargetSymbolWithoutPackage", "go_targets:\n  - pid: 5\n    maps: [sessions]\n", 3, 12,
     "go_targets[0].maps[0]: invalid symbol path \"sessions\"; " SYMBOL_PATH},
    {"GoTargetSymbolEndsInPackage", "go_targets:\n  - pid: 5\n    maps: [github.com/acme/api]\n", 3, 12,
     "go_targets[0].maps[0]: invalid symbol path \"github.com/acme/api\"; " SYMBOL_PATH},
    {"GoTargetDuplicateMap", "go_targets:\n  - pid: 5\n    maps: [main.a, main.a]\n", 3, 20,
     "go_targets[0].maps[1]: duplicate map \"main.a\" (first at line 3); expected each map once"},
    {"GoTargetEmptyMaps", "go_targets:\n  - pid: 5\n    maps: []\n", 3, 11,
     "go_targets[0].maps: empty list; expected symbol paths such as main.sessions or main.srv.cache, or no "
     "maps key to watch every global map"},
    {"GoTargetMinBytesWithMaps", "go_targets:\n  - pid: 5\n    maps: [main.a]\n    min_bytes: 1KiB\n", 4, 5,
     "go_targets[0]: min_bytes applies only without maps (to every global map); expected one of them"},
    {"GoTargetMinBytesDecimal", "go_targets:\n  - pid: 5\n    min_bytes: 1MB\n", 3, 16,
     "go_targets[0].min_bytes: invalid size \"1MB\": decimal unit \"MB\" (sizes use powers of "
     "1024); " SIZE_FORMS},
    {"GoTargetEmptyName", "go_targets:\n  - {name: \"\", pid: 5}\n", 2, 12,
     "go_targets[0].name: " EMPTY_LABEL_VALUE},
    {"GoTargetsNotAList", "go_targets:\n  pid: 5\n", 2, 3,
     "go_targets: expected a list of Go targets, got a mapping"},
    {"TooManyGoMaps",
     "server:\n  max_tracked_maps: 2\ngo_targets:\n  - {pid: 1, maps: [main.a, main.b]}\n  - {pid: 2}\n", 3,
     1,
     "go_targets: 0 scenarios and the Go targets' 3 maps (each target at least one) exceed "
     "server.max_tracked_maps (2); expected at most that many"},
    {"TargetIsAReservedLabel", "labels:\n  target: api\n", 2, 3,
     "labels: label name \"target\" " RESERVED_LABEL},

    // Missing fields, empty phase lists, weights, ends.
    {"MissingPhases", "scenarios:\n  - name: a\n    map: {hint: 10}\n", 2, 5,
     "scenarios[0]: missing required key \"phases\""},
    {"MissingScenarioName", "scenarios:\n  - phases: []\n", 2, 5,
     "scenarios[0]: missing required key \"name\""},
    {"MissingMix", PHASE_PREFIX "        forever: true\n", 4, 9,
     "scenarios[0].phases[0]: missing required key \"mix\""},
    {"MissingRangeEnd",
     PHASE_PREFIX INSERT_MIX "        keys: {pattern: uniform, from: 5}\n        forever: true\n", 6, 15,
     "scenarios[0].phases[0].keys: missing required key \"to\""},
    {"StringKeyWithoutLength", PHASE_PREFIX INSERT_FOREVER "    map:\n      key: string\n", 8, 12,
     "scenarios[0].map.key: string keys need a length; expected {type: string, length: BYTES}"},
    {"LengthOnInt64Key", PHASE_PREFIX INSERT_FOREVER "    map:\n      key: {type: int64, length: 8}\n", 8, 26,
     "scenarios[0].map.key: length applies only to string keys; expected no length"},
    {"EmptyPhaseList", "scenarios:\n  - name: a\n    phases: []\n", 3, 13,
     "scenarios[0].phases: empty list; expected at least one phase"},
    {"NullPhaseList", "scenarios:\n  - name: a\n    phases:\n", 3, 5,
     "scenarios[0].phases: empty list; expected at least one phase"},
    {"WeightsSumToZero", PHASE_PREFIX "        mix: {insert: 0, lookup: 0}\n        forever: true\n", 5, 14,
     "scenarios[0].phases[0].mix: " NO_WEIGHT},
    {"EmptyMix", PHASE_PREFIX "        mix: {}\n        forever: true\n", 5, 14,
     "scenarios[0].phases[0].mix: " NO_WEIGHT},
    {"NoEnd", PHASE_PREFIX INSERT_MIX, 4, 9, "scenarios[0].phases[0]: no end; " PHASE_ENDS},
    {"TwoEnds", PHASE_PREFIX INSERT_FOREVER "        duration: 5s\n", 7, 9,
     "scenarios[0].phases[0]: more than one end (\"forever\" and \"duration\"); " PHASE_ENDS},
    {"ForeverFalse", PHASE_PREFIX INSERT_MIX "        forever: false\n", 6, 18,
     "scenarios[0].phases[0].forever: false does not end a phase; expected true, or another end"},
    {"UntilEmpty", PHASE_PREFIX INSERT_MIX "        until: {}\n", 6, 16,
     "scenarios[0].phases[0].until: no condition; expected one of " UNTIL_CONDITIONS},
    {"UntilTwoConditions", PHASE_PREFIX INSERT_MIX "        until: {growing: true, entries_at_least: 5}\n", 6,
     32, "scenarios[0].phases[0].until: more than one condition; expected exactly one of " UNTIL_CONDITIONS},
    {"UntilScalar", PHASE_PREFIX INSERT_MIX "        until: growing\n", 6, 16,
     "scenarios[0].phases[0].until: expected a mapping with keys " UNTIL_CONDITIONS ", got \"growing\""},
    {"UntilTypo", PHASE_PREFIX INSERT_MIX "        until: {entries_atleast: 5}\n", 6, 17,
     "unknown key \"entries_atleast\" in scenarios[0].phases[0].until; did you mean \"entries_at_least\"?"},
    {"ForeverNotLast",
     PHASE_PREFIX INSERT_FOREVER "      - name: q\n        mix: {lookup: 1}\n        forever: true\n", 7, 9,
     "scenarios[0].phases[1]: unreachable: phase \"p\" before it runs forever; expected forever only in the "
     "last phase"},
    {"RepeatWithForeverPhase", PHASE_PREFIX INSERT_FOREVER "    repeat: forever\n", 7, 13,
     "scenarios[0].repeat: the last phase runs forever, so the phases never repeat; expected no repeat or a "
     "last phase that ends"},
    {"RangeEndNotAboveStart",
     PHASE_PREFIX INSERT_MIX "        keys: {pattern: uniform, from: 10, to: 10}\n        forever: true\n", 6,
     48,
     "scenarios[0].phases[0].keys.to: 10 is not above from (10); expected the end of the range [from, to)"},
    {"RangeOnSequentialKeys",
     PHASE_PREFIX INSERT_MIX "        keys: {pattern: sequential, from: 5}\n        forever: true\n", 6, 37,
     "scenarios[0].phases[0].keys: \"from\" does not apply to sequential keys; expected it only with pattern "
     "uniform or zipfian"},
    {"SkewOnUniformKeys",
     PHASE_PREFIX INSERT_MIX "        keys: {pattern: uniform, to: 9, skew: 0.5}\n        forever: true\n", 6,
     41,
     "scenarios[0].phases[0].keys: \"skew\" does not apply to uniform keys; expected it only with pattern "
     "zipfian"},
    {"SkewOutOfRange",
     PHASE_PREFIX INSERT_MIX "        keys: {pattern: zipfian, to: 9, skew: 1.5}\n        forever: true\n", 6,
     47,
     "scenarios[0].phases[0].keys.skew: 1.5 is out of range; expected a number above 0 and at most 0.9999"},
};

#undef INSERT_FOREVER
#undef INSERT_MIX
#undef UNTIL_CONDITIONS
#undef NO_WEIGHT
#undef PHASE_ENDS
#undef SYMBOL_PATH
#undef RESERVED_LABEL
#undef EMPTY_LABEL_VALUE
#undef HOST_PORT
#undef SIZE_FORMS
#undef DURATION_FORMS
#undef PHASE_PREFIX

class MalformedConfig : public testing::TestWithParam<BadConfig> {};

TEST_P(MalformedConfig, IsRejectedWithItsExactLocation) {
  const BadConfig& bad = GetParam();
  try {
    load_config_string(bad.yaml, "case.yaml");
    FAIL() << "accepted:\n" << bad.yaml;
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), "case.yaml");
    EXPECT_EQ(error.line(), bad.line) << error.what();
    EXPECT_EQ(error.column(), bad.column) << error.what();
    EXPECT_EQ(error.message(), bad.message);
    const std::string expected_what =
        "case.yaml:" + std::to_string(bad.line) + ":" + std::to_string(bad.column) + ": " + bad.message;
    EXPECT_EQ(std::string(error.what()), expected_what);
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << "not one line";
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedConfig, testing::ValuesIn(kBadConfigs),
                         [](const testing::TestParamInfo<BadConfig>& param) {
                           return std::string(param.param.name);
                         });

TEST(MalformedConfigTable, HasAtLeastThirtyCases) {
  EXPECT_GE(std::size(kBadConfigs), 30U);
}

// Files under data/: raw bytes an inline literal cannot show well, and file-level failures.
struct BadFile {
  const char* file;
  std::size_t line;
  std::size_t column;
  const char* message;
};

const BadFile kBadFiles[] = {
    {"invalid-utf8-label.yaml", 4, 9, "labels.team: label value is not valid UTF-8; expected UTF-8 text"},
    {"invalid-utf8-scenario-name.yaml", 3, 11,
     "scenarios[0].name: label value is not valid UTF-8; expected UTF-8 text"},
    {"tab-indentation.yaml", 3, 1, "YAML syntax error: illegal tab when looking for indentation"},
    {"deep-typo.yaml", 12, 7,
     "unknown key \"maintenence\" in scenarios[1].map; did you mean \"maintenance\"?"},
    {"missing.yaml", 1, 1, "cannot open: No such file or directory"},
    {"", 1, 1, "is a directory; expected a configuration file"},
};

TEST(MalformedConfigFile, IsRejectedWithThePathAndLocation) {
  for (const BadFile& bad : kBadFiles) {
    const std::string path = std::string(MAPSCOPE_CONFIG_TEST_DATA_DIR) + "/" + bad.file;
    try {
      load_config_file(path);
      ADD_FAILURE() << "accepted " << path;
    } catch (const ConfigError& error) {
      EXPECT_EQ(std::string(error.what()), path + ":" + std::to_string(bad.line) + ":" +
                                               std::to_string(bad.column) + ": " + bad.message);
    }
  }
}

// Every truncation of a shipped example either loads or fails with a one-line error located inside the
// text: the loader never crashes or reports a location that does not exist.
TEST(TruncatedConfig, EveryPrefixLoadsOrFailsInsideTheText) {
  std::ifstream file(std::string(MAPSCOPE_CONFIG_EXAMPLES_DIR) + "/tiny.yaml", std::ios::binary);
  std::ostringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  ASSERT_GT(text.size(), 500U);
  std::size_t failures = 0;
  for (std::size_t length = 0; length <= text.size(); ++length) {
    const std::string prefix = text.substr(0, length);
    const auto lines = static_cast<std::size_t>(std::count(prefix.begin(), prefix.end(), '\n')) + 1;
    try {
      load_config_string(prefix, "prefix.yaml");
    } catch (const ConfigError& error) {
      ++failures;
      EXPECT_GE(error.line(), 1U);
      EXPECT_LE(error.line(), lines) << error.what();
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos);
    }
  }
  EXPECT_GT(failures, 0U);  // cut mid-scenario, a phase lacks its end or a name is missing
}

}  // namespace
}  // namespace mapscope::config
