using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Detection;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources.Aws;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// Property-based tests (FsCheck, driven from plain facts: FsCheck.Xunit.v3 needs xunit.v3 4.x, this
/// project is on 3.2.2) of the reader contract on bad input: never throw out of the enumeration, never
/// hang, report problems and keep reading. Each property runs a fixed number of cases from a fixed seed,
/// so a run is deterministic; a failure prints the shrunk counter-example.
/// </summary>
public class ReaderPropertyTests
{
    private static readonly string[] WrapperKeys = ShareLogReader.WrapperKeys;
    private static readonly HashSet<string> Catalogue = new(ShareLogReader.SnapshotOperations, StringComparer.Ordinal);

    /// <summary>
    /// <c>count</c> cases from <c>seed</c>. For a deeper run than CI's, set TRANSFERDETECT_PROPERTY_SCALE (multiplies
    /// the counts) and TRANSFERDETECT_PROPERTY_SEED (added to each seed).
    /// </summary>
    private static Config Cases(int count, ulong seed)
    {
        int scale = int.TryParse(Environment.GetEnvironmentVariable("TRANSFERDETECT_PROPERTY_SCALE"), out int s) && s > 0 ? s : 1;
        ulong offset = ulong.TryParse(Environment.GetEnvironmentVariable("TRANSFERDETECT_PROPERTY_SEED"), out ulong o) ? o : 0;
        return Config.QuickThrowOnFailure.WithMaxTest(count * scale).WithReplay(seed + offset, 0x9E3779B97F4A7C15UL).WithQuietOnSuccess(true).WithEndSize(200);
    }

    /// <summary>Runs the check with a deadline: a hang fails the test instead of stalling the suite.</summary>
    private static void Check(Property property, Config config, int seconds = 1200)
    {
        var run = Task.Run(() => property.Check(config));
        if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(seconds))) Assert.Fail($"the property did not finish in {seconds} s (a hang)");
        run.GetAwaiter().GetResult();
    }

    // ---------- generators ----------

    private static readonly byte[][] NearJsonPieces =
    {
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(),
        ":"u8.ToArray(), "\\"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(), "\r"u8.ToArray(), "\n"u8.ToArray(),
        "\\\""u8.ToArray(), "\\\\"u8.ToArray(), "\"Records\":["u8.ToArray(), "\"Events\":"u8.ToArray(),
        "\"eventName\":\"ModifySnapshotAttribute\""u8.ToArray(), "abc"u8.ToArray(), "1"u8.ToArray(), "null"u8.ToArray(),
        new byte[] { 0xEF, 0xBB, 0xBF },                 // BOM
        new byte[] { 0xC3 }, new byte[] { 0xFF }, new byte[] { 0x80 }, new byte[] { 0xED, 0xA0, 0x80 }, // invalid UTF-8
        new byte[] { 0 },
    };

    /// <summary>Random mixes of JSON punctuation, white space, BOMs, invalid UTF-8 and long runs of one byte.</summary>
    private static Gen<byte[]> NearJson()
    {
        var piece = Gen.Frequency(
            (12, Gen.Elements(NearJsonPieces)),
            (1, Gen.Choose(60, 300).SelectMany(n => Gen.Elements("{[\"\\ \n}]a".ToCharArray()).Select(c => Enumerable.Repeat((byte)c, n).ToArray()))));
        return Gen.ListOf(piece).Select(ps => ps.SelectMany(p => p).ToArray());
    }

    private static Gen<byte[]> AnyBytes() =>
        Gen.Frequency((1, ArbMap.Default.GeneratorFor<byte[]>()), (2, NearJson()));

    /// <summary>The sizes of successive reads (cycled): every way of cutting the stream into chunks.</summary>
    private static Gen<int[]> Chunking() =>
        Gen.Frequency(
            (1, Gen.Constant(new[] { 1 << 20 })),
            (3, Gen.NonEmptyListOf(Gen.Choose(1, 130)).Select(l => l.ToArray())));

    private static Gen<string> JsonString() =>
        Gen.ListOf(Gen.Frequency(
                (10, Gen.Choose('a', 'z').Select(c => ((char)c).ToString())),
                (1, Gen.Elements("\\\"", "\\\\", "\\\\\\\"", "\\n", "\\u00e9", "é", "{", "}", "[", "]", ",", ":", " ", "Records", "\\/")),
                (1, Gen.Choose(1, 4).Select(n => new string('\\', 2 * n)))))
            .Select(parts => "\"" + string.Concat(parts) + "\"");

    private static Gen<string> JsonValue(int size) =>
        size <= 0
            ? Gen.OneOf(JsonString(), Gen.Choose(-1000, 1000).Select(i => i.ToString()), Gen.Elements("true", "false", "null"))
            : Gen.Frequency(
                (3, JsonValue(0)),
                (1, JsonObject(size / 2)),
                (1, Gen.ListOf(JsonValue(size / 3)).Select(vs => "[" + string.Join(",", vs.Take(4)) + "]")));

    private static Gen<string> JsonObject(int size) =>
        Gen.ListOf(JsonString().SelectMany(k => JsonValue(size).Select(v => k + ":" + v)))
            .Select(members => "{" + string.Join(",", members.Take(6)) + "}");

    /// <summary>Valid JSON documents of records in each layout the splitter reads, with the records' exact text.</summary>
    private static Gen<(string Doc, List<string> Records)> ValidDocument() =>
        Gen.Sized(size => Gen.ListOf(JsonObject(Math.Min(size, 40))).SelectMany(records => Gen.Choose(0, 4).Select(layout =>
        {
            var list = records.ToList();
            string doc = layout switch
            {
                0 => "{\"Records\":[" + string.Join(",", list) + "]}",
                1 => "[\n" + string.Join(",\n", list) + "\n]",
                2 => string.Concat(list.Select(r => r + "\n")),
                3 => "{\"NextToken\":\"a]b\",\"Events\":[" + string.Join(", ", list) + "]}",
                _ => "\uFEFF{\n  \"Records\": [\n    " + string.Join(",\n    ", list) + "\n  ]\n}\n",
            };
            return (doc, list);
        })));

    private static (List<RawRecordText> Records, List<string> Issues) Split(byte[] data, int[] chunks, bool vectorized, int maxRecordBytes = 1 << 20)
    {
        var issues = new List<ReadIssue>();
        var splitter = new JsonRecordSplitter(new ChunkingStream(data, chunks), "f", WrapperKeys, maxRecordBytes, issues.Add, vectorized);
        var records = splitter.Records(CancellationToken.None)
            .Select(r => new RawRecordText(r.Number, r.Line, r.Offset, r.Json.ToArray())).ToList();
        return (records, issues.Select(i => $"{i.Kind}@{i.Line}:{i.Offset}:{i.Message}").ToList());
    }

    private sealed record RawRecordText(long Number, long Line, long Offset, byte[] Json)
    {
        public string Text => Encoding.UTF8.GetString(Json);
        public override string ToString() => $"{Number}@{Line}:{Offset}:{Text}";
    }

    // ---------- (a) the splitter ----------

    [Fact]
    public void Splitter_on_arbitrary_bytes_in_any_chunking_terminates_without_throwing_and_cuts_only_braced_records()
    {
        var prop = Prop.ForAll(AnyBytes().ToArbitrary(), Chunking().ToArbitrary(), (data, chunks) =>
        {
            foreach (bool vectorized in new[] { false, true })
            {
                // Small record limit so long inputs also take the oversized-record path.
                var (records, _) = Split(data, chunks, vectorized, maxRecordBytes: 1024);
                foreach (var r in records)
                {
                    Assert.True(r.Json.Length >= 2 && r.Json[0] == (byte)'{' && r.Json[^1] == (byte)'}', $"record not braced: {r}");
                    Assert.True(r.Json.Length <= 1 << 20);
                }
                Assert.Equal(records.Count, records.Select(r => r.Number).Distinct().Count());
            }
        });
        Check(prop, Cases(600, 1));
    }

    [Fact]
    public void Splitter_vectorized_and_byte_by_byte_paths_cut_valid_documents_into_exactly_their_records()
    {
        var prop = Prop.ForAll(ValidDocument().ToArbitrary(), Chunking().ToArbitrary(), (doc, chunks) =>
        {
            byte[] data = Encoding.UTF8.GetBytes(doc.Doc);
            var reference = Split(data, chunks, vectorized: false);
            var fast = Split(data, chunks, vectorized: true);
            Assert.Equal(reference.Records.Select(r => r.ToString()), fast.Records.Select(r => r.ToString()));
            Assert.Equal(reference.Issues, fast.Issues);
            // A top-level object with a "Records" or "Events" array is a wrapper by design, in every layout:
            // where a generated record has such a key, only the two paths' agreement is checked.
            if (doc.Records.Any(IsWrapperShaped)) return;
            Assert.Equal(doc.Records, fast.Records.Select(r => r.Text));
            Assert.True(fast.Issues.Count == (doc.Doc.Length == 0 ? 1 : 0), string.Join("\n", fast.Issues)); // only an empty file is a problem
        });
        Check(prop, Cases(400, 2));
    }

    private static bool IsWrapperShaped(string record)
    {
        using var d = JsonDocument.Parse(record);
        return d.RootElement.EnumerateObject().Any(p => p.Name is "Records" or "Events");
    }

    // ---------- (b) ShareLogReader.ReadStream ----------

    private static (List<ShareEvent> Events, CollectingScanHost Host, ShareLogReader Reader) ReadChecked(Func<ShareLogReader, IEnumerable<ShareEvent>> read)
    {
        var host = new CollectingScanHost();
        var reader = new ShareLogReader(host, new ShareLogReaderOptions { MaxRecordBytes = 4096, MaxIssuesPerFile = int.MaxValue, MaxParallelFiles = 1 });
        var events = read(reader).ToList();
        foreach (var e in events)
        {
            Assert.Contains(e.Operation, Catalogue);
            Assert.False(string.IsNullOrEmpty(e.Grantee), $"event {e.EventId} has no grantee");
        }
        var s = reader.Statistics;
        Assert.Equal(1, s.FilesRead);
        Assert.Equal(events.Count, s.ShareEvents);
        Assert.Equal(host.Issues.Count(i => i.Kind != ReadIssueKind.MoreIssues), s.Issues);
        Assert.True(s.CandidateRecords + s.ForeignRecords <= s.Records, $"candidates {s.CandidateRecords} + foreign {s.ForeignRecords} > records {s.Records}");
        Assert.True(s.InvalidRecords <= s.Issues, $"invalid records {s.InvalidRecords} > issues {s.Issues}");
        Assert.Equal(s.Issues > 0, s.FilesWithIssues > 0);
        if (s.ForeignRecords > 0) Assert.Contains(host.Issues, i => i.Kind == ReadIssueKind.UnexpectedShape);
        return (events, host, reader);
    }

    private static readonly byte[] ValidDelivery = Encoding.UTF8.GetBytes(CloudTrailJson.Delivery(
        CloudTrailJson.SnapshotShare("add", "{\"userId\":\"999988887777\"}"),
        CloudTrailJson.Background(),
        CloudTrailJson.ImageShare("add", "{\"group\":\"all\"}"),
        CloudTrailJson.SnapshotShare("remove", "{\"userId\":\"444455556666\"},{\"userId\":\"777788889999\"}", errorCode: "Client.UnauthorizedOperation"),
        CloudTrailJson.Record("ModifyDBSnapshotAttribute", "rds.amazonaws.com", """{"dBSnapshotIdentifier":"db1","attributeName":"restore","valuesToAdd":["all"]}"""),
        CloudTrailJson.Record("AuthorizeSnapshotAccess", "redshift.amazonaws.com", """{"snapshotIdentifier":"dw1","accountWithRestoreAccess":"999988887777"}""")));

    private const int ValidDeliveryEvents = 6;

    [Fact]
    public void Reader_on_the_unmutated_delivery_reads_every_share_without_problems()
    {
        var (events, host, _) = ReadChecked(r => r.ReadStream(new MemoryStream(ValidDelivery), "d.json"));
        Assert.Equal(ValidDeliveryEvents, events.Count);
        Assert.Empty(host.Issues);
    }

    [Fact]
    public void Reader_on_arbitrary_bytes_never_throws_and_its_statistics_add_up()
    {
        var prop = Prop.ForAll(AnyBytes().ToArbitrary(), Chunking().ToArbitrary(),
            (data, chunks) => { ReadChecked(r => r.ReadStream(new ChunkingStream(data, chunks), "f")); });
        Check(prop, Cases(500, 3));
    }

    private abstract record Mutation;
    private sealed record BitFlip(int At, int Bit) : Mutation;
    private sealed record Truncate(int Length) : Mutation;
    private sealed record Insert(int At, byte[] Bytes) : Mutation;

    private static byte[] Apply(byte[] data, IEnumerable<Mutation> mutations)
    {
        var bytes = data.ToList();
        foreach (var m in mutations)
        {
            switch (m)
            {
                case BitFlip f when bytes.Count > 0: bytes[f.At % bytes.Count] ^= (byte)(1 << f.Bit); break;
                case Truncate t: bytes.RemoveRange(Math.Min(t.Length, bytes.Count), bytes.Count - Math.Min(t.Length, bytes.Count)); break;
                case Insert i: bytes.InsertRange(bytes.Count == 0 ? 0 : i.At % (bytes.Count + 1), i.Bytes); break;
            }
        }
        return bytes.ToArray();
    }

    private static Gen<Mutation> MutationOf(int length) =>
        Gen.Frequency(
            (4, Gen.Choose(0, length - 1).SelectMany(at => Gen.Choose(0, 7).Select(bit => (Mutation)new BitFlip(at, bit)))),
            (1, Gen.Choose(0, length).Select(n => (Mutation)new Truncate(n))),
            (3, Gen.Choose(0, length).SelectMany(at => NearJson().Select(b => (Mutation)new Insert(at, b)))));

    [Fact]
    public void Reader_on_mutated_CloudTrail_never_throws_and_returns_only_catalogued_shares_with_a_grantee()
    {
        var gen = Gen.NonEmptyListOf(MutationOf(ValidDelivery.Length)).Select(ms => ms.Take(8).ToArray());
        var prop = Prop.ForAll(gen.ToArbitrary(), Chunking().ToArbitrary(), (mutations, chunks) =>
        {
            byte[] data = Apply(ValidDelivery, mutations);
            var (events, host, _) = ReadChecked(r => r.ReadStream(new ChunkingStream(data, chunks), "m.json"));
            Assert.True(events.Count <= ValidDeliveryEvents + 8, $"{events.Count} events");
        });
        Check(prop, Cases(600, 4));
    }

    // ---------- (c) gzip ----------

    private static readonly byte[] ValidGzip = CloudTrailJson.Gzip(Encoding.UTF8.GetString(ValidDelivery));

    private static (List<ShareEvent> Events, CollectingScanHost Host) ReadGzipFile(string dir, byte[] content)
    {
        string path = Path.Combine(dir, "f.json.gz");
        File.WriteAllBytes(path, content);
        var (events, host, _) = ReadChecked(r => r.ReadFile(path));
        return (events, host);
    }

    [Fact]
    public void Gzip_truncated_anywhere_after_its_magic_never_throws_and_reports_truncation_or_corruption()
    {
        string dir = TransferDetect.Tests.RepoPaths.NewTempDirectory();
        var prop = Prop.ForAll(Gen.Choose(2, ValidGzip.Length - 1).ToArbitrary(), length =>
        {
            var (_, host) = ReadGzipFile(dir, ValidGzip.AsSpan(0, length).ToArray());
            Assert.True(host.Issues.Any(i => i.Kind is ReadIssueKind.Truncated or ReadIssueKind.CorruptCompression),
                $"cut at {length} of {ValidGzip.Length}: {string.Join("; ", host.Issues.Select(i => i.Kind + " " + i.Message))}");
        });
        Check(prop, Cases(300, 5));
    }

    [Fact]
    public void Gzip_with_corrupted_bytes_never_throws_and_either_reports_a_problem_or_reads_the_original_events()
    {
        string dir = TransferDetect.Tests.RepoPaths.NewTempDirectory();
        var original = ReadGzipFile(dir, ValidGzip).Events.Select(e => e.ToString()).ToList();
        Assert.Equal(ValidDeliveryEvents, original.Count);
        var corruption = Gen.NonEmptyListOf(Gen.Choose(0, ValidGzip.Length - 1).SelectMany(at => Gen.Choose(1, 255).Select(x => (At: at, Xor: (byte)x))));
        var prop = Prop.ForAll(corruption.ToArbitrary(), changes =>
        {
            byte[] data = (byte[])ValidGzip.Clone();
            foreach (var (at, xor) in changes.Take(4)) data[at] ^= xor;
            var (events, host) = ReadGzipFile(dir, data);
            if (host.Issues.Count == 0) Assert.Equal(original, events.Select(e => e.ToString()));
        });
        Check(prop, Cases(300, 6));
    }

    // ---------- (d) the trust zone ----------

    private static readonly string[] ZonePieces =
    {
        "{", "}", "[", "]", "\"", ",", ":", " ", "\n", "\\", "//", "/*", "*/", "\"aws\"", "\"azure\"", "\"m365\"", "\"gcp\"",
        "\"accounts\"", "\"organizations\"", "\"organizationalUnits\"", "\"tenants\"", "\"subscriptions\"", "\"domains\"",
        "\"projects\"", "\"111122223333\"", "\"o-abcdefghij\"", "\"ou-ab12-abcdefgh\"", "\"arn:aws:organizations::1:organization/o-abcdefghij\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"example.com\"", "\"@\"", "\"\"", "\" \"", "123", "1e999", "-0", "null", "true",
        "\"\\u0000\"", "\"\\ud800\"", "\uFEFF", "\u00e9", "\0",
    };

    [Fact]
    public void TrustZone_Parse_on_arbitrary_text_throws_only_TrustZoneException()
    {
        var text = Gen.Frequency(
            (3, Gen.ListOf(Gen.Elements(ZonePieces)).Select(string.Concat)),
            (1, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")));
        var prop = Prop.ForAll(text.ToArbitrary(), json =>
        {
            try
            {
                TrustZone.Parse(json);
            }
            catch (TrustZoneException)
            {
            }
        });
        Check(prop, Cases(2000, 7));
    }

    /// <summary>Hands out the data in reads of the given sizes, cycled.</summary>
    private sealed class ChunkingStream : MemoryStream
    {
        private readonly int[] _chunks;
        private int _next;
        public ChunkingStream(byte[] data, int[] chunks) : base(data, writable: false) => _chunks = chunks;
        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, Math.Min(_chunks[_next++ % _chunks.Length], count));
    }
}
