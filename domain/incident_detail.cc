// IncidentDetail's records. Each is a tag byte and its fields:
//   'A' fingerprint alertname labels summary generator_url   (strings)
//   'T' time kind detail                  (time: zigzag LEB128 milliseconds)
// a string being its length (LEB128) and its bytes; labels are LabelSet's
// packed bytes. Records are appended and never changed: a resolution or a
// replacement changes the instance in Incident::alerts, not its text.
//
// Sealed records are one zlib stream (at the fastest level: an incident's
// records compress about threefold either way, and sealing runs on the writer
// when an incident is counted). Decoding stops at the first damaged record.
#include <zlib.h>

#include <utility>

#include "domain/incident.h"
#include "domain/varint.h"

namespace debriefd {
namespace {

// The records of `sealed` (inflated) followed by `open`; empty bytes where
// the sealed part cannot be inflated.
std::string Inflate(const std::string& sealed) {
  if (sealed.empty()) return {};
  std::string_view rest = sealed;
  uint64_t length = 0;
  // A length beyond what zlib could expand these bytes to is damage, not a
  // reason to allocate it (deflate's best ratio is about 1032:1).
  if (!varint::Take(rest, length) || length > (rest.size() + 1) * 1032) return {};
  std::string out(length, '\0');
  uLongf got = static_cast<uLongf>(length);
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &got, reinterpret_cast<const Bytef*>(rest.data()),
                 static_cast<uLong>(rest.size())) != Z_OK ||
      got != length) {
    return {};
  }
  return out;
}

// Calls on_alert(AlertText&&) and on_entry(TimelineEntry&&) for each record.
template <class A, class T>
void Decode(std::string_view rest, A&& on_alert, T&& on_entry) {
  while (!rest.empty()) {
    const char tag = rest.front();
    rest.remove_prefix(1);
    if (tag == 'A') {
      std::string_view f[5];
      for (auto& field : f) {
        if (!varint::TakeString(rest, field)) return;
      }
      IncidentDetail::AlertText text{std::string(f[0]), std::string(f[1]), LabelSet(), std::string(f[3]),
                                     std::string(f[4])};
      text.labels.packed().assign(f[2]);
      on_alert(std::move(text));
    } else if (tag == 'T') {
      uint64_t zigzag = 0;
      std::string_view kind, detail;
      if (!varint::Take(rest, zigzag) || !varint::TakeString(rest, kind) || !varint::TakeString(rest, detail)) return;
      on_entry(TimelineEntry{Time{Duration{varint::Unzigzag(zigzag)}}, std::string(kind), std::string(detail)});
    } else {
      return;
    }
  }
}

}  // namespace

template <class A, class T>
void IncidentDetail::DecodeAll(A&& on_alert, T&& on_entry) const {
  Decode(Inflate(sealed_), on_alert, on_entry);
  Decode(open_, on_alert, on_entry);
  if (spill_.has_value()) {
    for (const std::string& chunk : spill_.get()) Decode(chunk, on_alert, on_entry);
  }
}

std::string& IncidentDetail::Tail() {
  if (open_.size() < kChunk && !spill_.has_value()) return open_;
  // A record never straddles two chunks: a new one starts while the last
  // has less room than most records take, and a chunk's allocation is
  // kChunk bytes exactly (with the string's terminator), a size the
  // allocator has a class for.
  constexpr size_t kRecordRoom = 4096;
  std::vector<std::string>& chunks = spill_.mut();
  if (chunks.empty() || chunks.back().size() + kRecordRoom > kChunk) chunks.emplace_back().reserve(kChunk - 1);
  return chunks.back();
}

size_t IncidentDetail::size() const {
  size_t n = sealed_.size() + open_.size();
  if (spill_.has_value()) {
    for (const std::string& chunk : spill_.get()) n += chunk.size();
  }
  return n;
}

std::string IncidentDetail::OpenRecords() const {
  if (!spill_.has_value()) return open_;
  std::string all;
  all.reserve(size() - sealed_.size());
  all += open_;
  for (const std::string& chunk : spill_.get()) all += chunk;
  return all;
}

void IncidentDetail::SetOpenRecords(std::string records) {
  open_ = std::move(records);
  spill_ = {};
}

void IncidentDetail::AddAlert(std::string_view fingerprint, std::string_view alertname, const LabelSet& labels,
                              std::string_view summary, std::string_view generator_url) {
  std::string& out = Tail();
  out.push_back('A');
  varint::PutString(out, fingerprint);
  varint::PutString(out, alertname);
  varint::PutString(out, labels.packed());
  varint::PutString(out, summary);
  varint::PutString(out, generator_url);
}

void IncidentDetail::AddTimeline(Time time, std::string_view kind, std::string_view detail) {
  const int64_t ms = time.time_since_epoch().count();
  std::string& out = Tail();
  out.push_back('T');
  varint::Put(out, varint::Zigzag(ms));
  varint::PutString(out, kind);
  varint::PutString(out, detail);
}

std::vector<IncidentDetail::AlertText> IncidentDetail::Alerts() const {
  std::vector<AlertText> out;
  DecodeAll([&out](AlertText&& a) { out.push_back(std::move(a)); }, [](TimelineEntry&&) {});
  return out;
}

std::vector<TimelineEntry> IncidentDetail::Timeline() const {
  std::vector<TimelineEntry> out;
  DecodeAll([](AlertText&&) {}, [&out](TimelineEntry&& e) { out.push_back(std::move(e)); });
  return out;
}

void IncidentDetail::Seal() {
  if (open_.empty() && !spill_.has_value()) return;
  std::string records = Inflate(sealed_);
  records += OpenRecords();
  uLongf bound = compressBound(static_cast<uLong>(records.size()));
  std::string out;
  varint::Put(out, records.size());
  const size_t head = out.size();
  out.resize(head + bound);
  if (compress2(reinterpret_cast<Bytef*>(out.data() + head), &bound, reinterpret_cast<const Bytef*>(records.data()),
                static_cast<uLong>(records.size()), Z_BEST_SPEED) != Z_OK) {
    return;  // stays as it was: uncompressed records are as good, only larger
  }
  out.resize(head + bound);
  out.shrink_to_fit();
  sealed_ = std::move(out);
  open_.clear();
  open_.shrink_to_fit();
  spill_ = {};
}

std::vector<AlertDetail> Incident::AlertDetails() const {
  std::vector<IncidentDetail::AlertText> texts = detail.Alerts();
  std::vector<AlertDetail> out;
  out.reserve(alerts.size());
  for (size_t i = 0; i < alerts.size(); ++i) {
    AlertDetail a;
    static_cast<AlertInstance&>(a) = alerts[i];
    if (i < texts.size()) {
      a.fingerprint = std::move(texts[i].fingerprint);
      a.alertname = std::move(texts[i].alertname);
      a.labels = std::move(texts[i].labels);
      a.summary = std::move(texts[i].summary);
      a.generator_url = std::move(texts[i].generator_url);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace debriefd
