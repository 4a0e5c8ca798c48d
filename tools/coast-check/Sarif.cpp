//===- Sarif.cpp - coast-check's SARIF 2.1.0 log --------------------------===//

#include "Sarif.h"
#include "DiagnosticCatalog.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <tuple>

using namespace llvm;

namespace coast {

namespace {

/// A file URI for an absolute path (percent-encoding what RFC 3986 needs).
std::string fileURI(StringRef Path) {
  std::string URI = "file://";
  for (char C : Path) {
    if (isAlnum(C) || StringRef("/-._~").contains(C))
      URI += C;
    else {
      char Buf[4];
      snprintf(Buf, sizeof Buf, "%%%02X", static_cast<unsigned char>(C));
      URI += Buf;
    }
  }
  return URI;
}

/// A location; a whole file when \p L has no line (the driver's errors).
json::Object physicalLocation(const FileLocation &L) {
  json::Object P{{"artifactLocation", json::Object{{"uri", fileURI(L.File)}}}};
  if (L.Line) {
    json::Object Region{{"startLine", L.Line}};
    if (L.Column)
      Region["startColumn"] = L.Column;
    P["region"] = std::move(Region);
  }
  return json::Object{{"physicalLocation", std::move(P)}};
}

json::Array locations(const FileLocation &L) {
  json::Array A;
  if (!L.File.empty())
    A.push_back(physicalLocation(L));
  return A;
}

json::Object fix(const RecordedDiagnostic &D) {
  // One artifactChange per file, in the order the edits come.
  std::vector<std::string> Files;
  StringMap<json::Array> Replacements;
  for (const FixEdit &E : D.Fixes) {
    if (!Replacements.count(E.File))
      Files.push_back(E.File);
    Replacements[E.File].push_back(json::Object{
        {"deletedRegion",
         json::Object{{"startLine", E.Begin.Line},
                      {"startColumn", E.Begin.Column},
                      {"endLine", E.End.Line},
                      {"endColumn", E.End.Column}}},
        {"insertedContent", json::Object{{"text", E.Text}}}});
  }
  json::Array Changes;
  for (const std::string &F : Files)
    Changes.push_back(json::Object{
        {"artifactLocation", json::Object{{"uri", fileURI(F)}}},
        {"replacements", std::move(Replacements[F])}});
  return json::Object{{"description", json::Object{{"text", D.Message}}},
                      {"artifactChanges", std::move(Changes)}};
}

} // namespace

Error writeSarif(StringRef Path, const std::vector<TUResult> &Results,
                 StringRef ToolVersion) {
  // Rules: every coast name, then the clang diagnostics that occurred.
  json::Array Rules;
  StringMap<unsigned> RuleIndex;
  for (const DiagnosticInfo &I : allDiagnostics()) {
    RuleIndex[I.Name] = Rules.size();
    Rules.push_back(json::Object{
        {"id", I.Name},
        {"name", I.Name},
        {"shortDescription", json::Object{{"text", I.Help}}},
        {"fullDescription", json::Object{{"text", I.Help}}},
        {"defaultConfiguration",
         json::Object{{"level", I.IsWarning ? "warning" : "error"}}},
        {"help", json::Object{{"text", I.Help}}}});
  }

  json::Array SarifResults;
  std::set<std::tuple<std::string, std::string, unsigned, unsigned,
                      std::string>>
      Seen;
  for (const TUResult &R : Results) {
    for (const RecordedDiagnostic &D : R.Diagnostics) {
      if (!Seen.insert({D.Rule, D.Loc.File, D.Loc.Line, D.Loc.Column,
                        D.Message})
               .second)
        continue; // a header's diagnostic, already seen from another unit
      if (!RuleIndex.count(D.Rule)) {
        RuleIndex[D.Rule] = Rules.size();
        Rules.push_back(json::Object{
            {"id", D.Rule},
            {"shortDescription", json::Object{{"text", "clang diagnostic"}}}});
      }
      json::Object Res{{"ruleId", D.Rule},
                       {"ruleIndex", RuleIndex[D.Rule]},
                       {"level", D.IsError ? "error" : "warning"},
                       {"message", json::Object{{"text", D.Message}}},
                       {"locations", locations(D.Loc)}};
      json::Array Related;
      for (const RecordedNote &N : D.Notes) {
        if (N.Loc.File.empty() || !N.Loc.Line)
          continue;
        json::Object L = physicalLocation(N.Loc);
        L["id"] = static_cast<int64_t>(Related.size());
        L["message"] = json::Object{{"text", N.Message}};
        Related.push_back(std::move(L));
      }
      if (!Related.empty())
        Res["relatedLocations"] = std::move(Related);
      if (!D.Fixes.empty())
        Res["fixes"] = json::Array{fix(D)};
      SarifResults.push_back(std::move(Res));
    }
  }

  json::Object Log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::Array{json::Object{
           {"tool",
            json::Object{
                {"driver",
                 json::Object{
                     {"name", "coast-check"},
                     {"version", ToolVersion},
                     {"rules", std::move(Rules)}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", std::move(SarifResults)}}}}};

  std::error_code EC;
  raw_fd_ostream OS(Path, EC, sys::fs::OF_Text);
  if (EC)
    return createStringError(EC, "cannot write '%s': %s", Path.str().c_str(),
                             EC.message().c_str());
  OS << formatv("{0:2}", json::Value(std::move(Log))) << "\n";
  return Error::success();
}

} // namespace coast
