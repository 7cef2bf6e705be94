// load_yaml_document: one YAML document, counted with yaml-cpp's event parser before it is loaded.
#include "mapscope/config/yaml_document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <sstream>
#include <string>

#include "printable.h"
#include "source.h"

namespace mapscope::config {

namespace {

// Records where a document starts and where its first node is; ignores everything else.
class DocumentMarks final : public YAML::EventHandler {
 public:
  void reset() {
    start_ = YAML::Mark();
    first_node_.reset();
  }
  const YAML::Mark& start() const { return start_; }
  // Where a problem with the document is reported: its first node (as LoadAll's nodes were), else its start.
  YAML::Mark location() const { return first_node_.value_or(start_); }

  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (!first_node_) {
      first_node_ = mark;
    }
  }
  YAML::Mark start_;
  std::optional<YAML::Mark> first_node_;
};

// The character at `mark`, for the message about text the parser cannot get past.
std::string character_at(std::string_view yaml, const YAML::Mark& mark) {
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= yaml.size()) {
    return "end of text";
  }
  // Built in one piece: GCC 12 at -O3 reports a false -Wrestrict inside `"'" + std::string(...)`.
  return std::string{'\'', yaml[static_cast<std::size_t>(mark.pos)], '\''};
}

// Throws unless `yaml` holds at most one document; says whether it holds one.
bool has_one_document(std::string_view yaml, const detail::Source& source) {
  std::istringstream stream{std::string(yaml)};
  YAML::Parser parser(stream);
  DocumentMarks marks;
  if (!parser.HandleNextDocument(marks)) {
    return false;
  }
  const YAML::Mark first = marks.start();
  marks.reset();
  if (!parser.HandleNextDocument(marks)) {
    return true;
  }
  if (marks.start().pos == first.pos) {
    // The parser made no progress: yaml-cpp 0.7 would report empty documents here forever.
    source.fail(first, "YAML syntax error: unexpected " + detail::escape_controls(character_at(yaml, first)));
  }
  source.fail(marks.location(), "a second YAML document; expected a single document");
}

}  // namespace

YAML::Node load_yaml_document(std::string_view yaml, std::string_view name) {
  const detail::Source source{std::string(name)};
  try {
    return has_one_document(yaml, source) ? YAML::Load(std::string(yaml)) : YAML::Node();
  } catch (const YAML::Exception& problem) {
    source.fail(problem.mark, "YAML syntax error: " + problem.msg);
  }
}

}  // namespace mapscope::config
