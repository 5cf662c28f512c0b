// simdjson's stage 1 (the structural index over every byte) on the same CloudTrail text as `bench in-memory`:
// the state of the art in finding where every string and bracket of JSON is, on this machine, beside the
// project's own structural pass. Not built by CI; see bench/README.md ("The structural floor").
//
//   stage1 <tree of .json.gz> [MB of text, default 16] [rounds, default 150]
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

static std::string Inflate(const fs::path& file) {
  std::string text;
  gzFile gz = gzopen(file.c_str(), "rb");
  if (!gz) return text;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(gz, buffer, sizeof buffer)) > 0) text.append(buffer, n);
  gzclose(gz);
  return text;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stage1 <tree of .json.gz> [MB] [rounds]\n");
    return 2;
  }
  const size_t limit = (argc > 2 ? std::stoul(argv[2]) : 16) << 20;
  const int rounds = argc > 3 ? std::stoi(argv[3]) : 150;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(argv[1])) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > 8 && name.ends_with(".json.gz")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<simdjson::padded_string> texts;
  size_t total = 0;
  for (const auto& f : files) {
    // As `bench in-memory`: files are added until more than the limit is held.
    if (total > limit) break;
    auto text = Inflate(f);
    total += text.size();
    texts.emplace_back(text);
  }
  std::printf("simdjson %d.%d.%d, implementation %s (%s); %zu file(s), %.1f MB of text, best of %d rounds\n",
              simdjson::SIMDJSON_VERSION_MAJOR, simdjson::SIMDJSON_VERSION_MINOR, simdjson::SIMDJSON_VERSION_REVISION,
              simdjson::get_active_implementation()->name().c_str(), simdjson::get_active_implementation()->description().c_str(),
              texts.size(), total / 1e6, rounds);

  auto best = [&](auto&& pass) {
    double fastest = 1e30;
    for (int r = 0; r < rounds; r++) {
      auto start = std::chrono::steady_clock::now();
      for (auto& t : texts) {
        if (!pass(t)) {
          std::fprintf(stderr, "a document failed\n");
          std::exit(1);
        }
      }
      fastest = std::min(fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return total / 1e6 / fastest;
  };

  simdjson::ondemand::parser ondemand;
  // ondemand's iterate() runs stage 1 over the whole document (UTF-8 checked, every structural character indexed)
  // and parses nothing yet.
  double stage1 = best([&](simdjson::padded_string& t) { return ondemand.iterate(t).error() == simdjson::SUCCESS; });
  simdjson::dom::parser dom;
  // The whole DOM (stage 1 and the tape of stage 2), for scale.
  double full = best([&](simdjson::padded_string& t) { return dom.parse(t).error() == simdjson::SUCCESS; });
  std::printf("stage 1 (ondemand iterate) %8.0f MB/s\nstage 1 + 2 (dom parse)    %8.0f MB/s\n", stage1, full);
  return 0;
}
