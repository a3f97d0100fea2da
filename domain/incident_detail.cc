// IncidentDetail's records. Each is a tag byte and its fields:
//   'A' fingerprint alertname labels summary generator_url   (strings)
//   'T' time kind detail                  (time: zigzag LEB128 milliseconds)
// a string being its length (LEB128) and its bytes; labels are LabelSet's
// packed bytes. Records are appended and never changed: a resolution or a
// replacement changes the instance in Incident::alerts, not its text.
//
// Sealed records are one zlib stream (at the fastest level: an incident's
// records compress about threefold either way, and a storm's incident has
// hundreds of megabytes of them). Decoding stops at the first damaged record.
#include <zlib.h>

#include <algorithm>
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

void IncidentDetail::CopyOpen(size_t from, size_t n, std::string& out) const {
  auto copy = [&](const std::string& part) {
    if (n == 0) return;
    if (from >= part.size()) {
      from -= part.size();
      return;
    }
    const size_t k = std::min(n, part.size() - from);
    out.append(part, from, k);
    from = 0;
    n -= k;
  };
  copy(open_);
  if (spill_.has_value()) {
    for (const std::string& chunk : spill_.get()) copy(chunk);
  }
}

void IncidentDetail::Seal() {
  if (open_.empty() && !spill_.has_value()) return;
  Sealing sealing(*this);
  (void)sealing.Take(*this, open_size());
  if (sealing.Finish()) (void)sealing.Install(*this);  // else uncompressed records are as good, only larger
}

// The sealed records are inflated into the stream before the open ones, so
// a reopened incident that settles again is still one stream.
struct IncidentDetail::Sealing::State {
  std::string prior;    // the detail's sealed bytes when sealing began
  std::string pending;  // taken, not yet compressed
  std::string out;      // the stream so far
  z_stream zs{};
  bool begun = false;   // the prior records are in the stream
  bool inited = false;  // deflateInit succeeded
  bool ok = false;
  bool done = false;
  size_t taken = 0;     // bytes of open records taken
  uint64_t length = 0;  // uncompressed bytes in the stream

  bool Deflate(std::string_view in, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    length += in.size();
    do {
      const size_t head = out.size();
      const size_t room = std::max<size_t>(in.size() / 2, 1 << 16);
      out.resize(head + room);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + head);
      zs.avail_out = static_cast<uInt>(room);
      const int rc = deflate(&zs, flush);
      out.resize(head + room - zs.avail_out);
      if (rc == Z_STREAM_ERROR) return false;
      if (flush == Z_FINISH && rc == Z_STREAM_END) return true;
    } while (zs.avail_out == 0 || zs.avail_in > 0 || flush == Z_FINISH);
    return true;
  }
};

IncidentDetail::Sealing::Sealing(const IncidentDetail& d) : s_(std::make_unique<State>()) {
  s_->prior = d.sealed_;
  s_->inited = s_->ok = deflateInit(&s_->zs, Z_BEST_SPEED) == Z_OK;
}

IncidentDetail::Sealing::~Sealing() {
  if (s_->inited) deflateEnd(&s_->zs);
}

size_t IncidentDetail::Sealing::taken() const { return s_->taken; }

bool IncidentDetail::Sealing::Take(const IncidentDetail& d, size_t max) {
  const size_t n = std::min(max, d.open_size() - std::min(d.open_size(), s_->taken));
  if (n == 0) return false;
  d.CopyOpen(s_->taken, n, s_->pending);
  s_->taken += n;
  return true;
}

void IncidentDetail::Sealing::Compress() {
  State& s = *s_;
  if (!s.ok) return;
  if (!s.begun) {
    s.begun = true;
    const std::string prior = Inflate(s.prior);
    if (!prior.empty()) s.ok = s.Deflate(prior, Z_NO_FLUSH);
  }
  if (s.ok && !s.pending.empty()) s.ok = s.Deflate(s.pending, Z_NO_FLUSH);
  s.pending.clear();  // its capacity serves the next slice
}

bool IncidentDetail::Sealing::Finish() {
  Compress();
  State& s = *s_;
  if (!s.ok) return false;
  s.ok = s.Deflate({}, Z_FINISH);
  if (!s.ok) return false;
  std::string sealed;
  varint::Put(sealed, s.length);
  sealed.reserve(sealed.size() + s.out.size());
  sealed += s.out;
  s.out = std::move(sealed);
  s.done = true;
  return true;
}

bool IncidentDetail::Sealing::Install(IncidentDetail& d) {
  State& s = *s_;
  if (!s.done || d.sealed_ != s.prior || d.open_size() < s.taken) return false;
  std::string rest;
  d.CopyOpen(s.taken, d.open_size() - s.taken, rest);
  d.sealed_ = std::move(s.out);
  d.SetOpenRecords(std::move(rest));
  d.open_.shrink_to_fit();
  s.done = false;  // installed once
  return true;
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
