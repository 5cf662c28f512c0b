using System;
using System.Collections.Generic;
using System.Text;
using System.Linq;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>A CloudTrail operation that can grant or revoke access, and how to read its grants.</summary>
internal sealed class AwsShareOperation
{
    public AwsShareOperation(string eventName, string eventSource, ShareCategory category, AwsGrantExtractor extract,
        bool needsRequestParameters = true, bool versionSuffix = false, string? otherEventSource = null)
    {
        EventName = eventName;
        EventSource = eventSource;
        OtherEventSource = otherEventSource;
        Category = category;
        Extract = extract;
        NeedsRequestParameters = needsRequestParameters;
        VersionSuffix = versionSuffix;
    }

    public string EventName { get; }
    public string EventSource { get; }

    /// <summary>A second service name the operation is recorded under (S3 account-level calls: s3-control), or null.</summary>
    public string? OtherEventSource { get; }

    public ShareCategory Category { get; }
    public AwsGrantExtractor Extract { get; }

    /// <summary>The declared detection the extractor and the generated queries come from; null for a procedural extractor.</summary>
    public AwsDetectionDefinition? Definition { get; init; }

    /// <summary>False for service events (SharedSnapshotCopyInitiated, ...), whose grant is not in requestParameters.</summary>
    public bool NeedsRequestParameters { get; }

    /// <summary>
    /// True when CloudTrail writes the name with the API version after it (Lambda: AddLayerVersionPermission20181031,
    /// AddPermission20150331v2): the name then also matches followed by 8 digits and an optional v and digits.
    /// </summary>
    public bool VersionSuffix { get; }

    public bool RecordedBy(string eventSource) =>
        string.Equals(eventSource, EventSource, StringComparison.Ordinal) || string.Equals(eventSource, OtherEventSource, StringComparison.Ordinal);

    /// <summary>Is <paramref name="name"/> (UTF-8) this operation: its name, or its name and a version suffix when it takes one?</summary>
    public bool Matches(ReadOnlySpan<byte> name, byte[] utf8Name)
    {
        if (name.Length == utf8Name.Length) return IO.Needle.Same(name, utf8Name);
        return VersionSuffix && name.Length > utf8Name.Length && name.StartsWith(utf8Name) && IsVersionSuffix(name.Slice(utf8Name.Length));
    }

    /// <summary>8 digits (a date), then optionally v and 1 to 3 digits.</summary>
    private static bool IsVersionSuffix(ReadOnlySpan<byte> s)
    {
        if (s.Length < 8) return false;
        for (int i = 0; i < 8; i++)
        {
            if (s[i] < (byte)'0' || s[i] > (byte)'9') return false;
        }
        if (s.Length == 8) return true;
        if (s[8] != (byte)'v' || s.Length == 9 || s.Length > 12) return false;
        for (int i = 9; i < s.Length; i++)
        {
            if (s[i] < (byte)'0' || s[i] > (byte)'9') return false;
        }
        return true;
    }
}

/// <summary>
/// Reads the grants of one record: the resource and each (action, grantee). <paramref name="requestParameters"/>
/// is the record's requestParameters (default when it has none); <paramref name="record"/> the whole record.
/// </summary>
internal delegate AwsGrantSet? AwsGrantExtractor(JsonElement requestParameters, JsonElement record);

/// <summary>What the byte-level look at a record's eventName says, before any parsing.</summary>
internal enum EventNameFilter
{
    /// <summary>The bytes <c>ventName"</c> occur, but no eventName key's value could be read: look further.</summary>
    Undecided,
    /// <summary>Every eventName key in the record names an operation outside the catalogue: skip it.</summary>
    NotInCatalogue,
    /// <summary>An eventName key names a catalogue operation: parse the record.</summary>
    InCatalogue,
    /// <summary>The bytes <c>ventName"</c> occur nowhere in the record (no eventName key written plainly, at any depth): one search told it.</summary>
    NoKey,
}

/// <summary>The operations a reader looks for, matched against raw bytes without allocating.</summary>
internal sealed class AwsShareCatalog
{
    private readonly AwsShareOperation[] _operations;
    private readonly byte[][] _names;
    private readonly byte[][] _sources;
    private readonly int[] _sourceOf;
    private readonly int[] _otherSourceOf;

    /// <summary>For each name length, the operations whose name has that length (or is shorter and takes a version suffix).</summary>
    private readonly int[][] _byLength;

    /// <summary>For each name length, a bit per first byte of those names (four words of 64 bits a length): most
    /// event names (Describe…, List…, Get…) are turned away by one test, not by a comparison per operation.</summary>
    private readonly ulong[] _firstBytes = new ulong[(LongestName + 1) * 4];

    private const int LongestName = 64;

    public AwsShareCatalog(IEnumerable<AwsShareOperation> operations)
    {
        _operations = new List<AwsShareOperation>(operations).ToArray();
        _names = new byte[_operations.Length][];
        var sources = new List<string>();
        _sourceOf = new int[_operations.Length];
        _otherSourceOf = new int[_operations.Length];
        int SourceIndex(string? source)
        {
            if (source == null) return -1;
            int s = sources.IndexOf(source);
            if (s >= 0) return s;
            sources.Add(source);
            return sources.Count - 1;
        }
        var byLength = new List<int>[LongestName + 1];
        for (int i = 0; i < _operations.Length; i++)
        {
            _names[i] = Encoding.UTF8.GetBytes(_operations[i].EventName);
            _sourceOf[i] = SourceIndex(_operations[i].EventSource);
            _otherSourceOf[i] = SourceIndex(_operations[i].OtherEventSource);
            int from = _names[i].Length, to = _operations[i].VersionSuffix ? Math.Min(LongestName, from + 12) : from;
            if (from > LongestName) throw new ArgumentException($"The event name {_operations[i].EventName} is longer than {LongestName} bytes.");
            for (int length = from; length <= to; length++)
            {
                (byLength[length] ??= new List<int>()).Add(i);
                if (from > 0) _firstBytes[length * 4 + (_names[i][0] >> 6)] |= 1UL << (_names[i][0] & 63);
            }
        }
        _byLength = Array.ConvertAll(byLength, l => l == null ? Array.Empty<int>() : l.ToArray());
        _sources = sources.ConvertAll(Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>Every operation of the AWS catalogue.</summary>
    public static AwsShareCatalog All { get; } = new(AwsOperations.All);

    /// <summary>The snapshot and image sharing operations of Get-SnapshotShareEvent.</summary>
    public static AwsShareCatalog Snapshots { get; } = All.For(new[] { ShareCategory.Snapshot });

    /// <summary>The catalogue narrowed to some categories.</summary>
    public AwsShareCatalog For(ICollection<ShareCategory>? categories) =>
        categories == null ? this : new AwsShareCatalog(_operations.Where(o => categories.Contains(o.Category)));

    /// <summary>The operation of this name (exact case, as CloudTrail writes it, with a version suffix where the operation takes one), or null.</summary>
    public AwsShareOperation? Find(string? eventName)
    {
        if (eventName == null || eventName.Length > LongestName) return null;
        int i = IndexOf(Encoding.UTF8.GetBytes(eventName));
        return i < 0 ? null : _operations[i];
    }

    /// <summary>The index of the operation the UTF-8 name is, or -1: only the names of its length are compared.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private int IndexOf(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestName || name.Length == 0) return -1;
        if ((_firstBytes[name.Length * 4 + (name[0] >> 6)] & (1UL << (name[0] & 63))) == 0) return -1;
        foreach (int i in _byLength[name.Length])
        {
            if (_operations[i].Matches(name, _names[i])) return i;
        }
        return -1;
    }

    public IReadOnlyList<AwsShareOperation> Operations => _operations;

    /// <summary>The catalogue narrowed to some of its operations (names matched without regard to case).</summary>
    /// <exception cref="ArgumentException">A name is not in the catalogue.</exception>
    public AwsShareCatalog Only(IEnumerable<string> eventNames)
    {
        var chosen = new List<AwsShareOperation>();
        foreach (var name in eventNames)
        {
            var op = Array.Find(_operations, o => string.Equals(o.EventName, name, StringComparison.OrdinalIgnoreCase));
            if (op == null)
            {
                throw new ArgumentException($"'{name}' is not an operation this command reads; it reads {string.Join(", ", Array.ConvertAll(_operations, o => o.EventName))}.");
            }
            if (!chosen.Contains(op)) chosen.Add(op);
        }
        return new AwsShareCatalog(chosen);
    }

    public AwsShareOperation this[int index] => _operations[index];

    /// <summary>
    /// Finds every unescaped <c>"eventName"</c> / <c>"EventName"</c> key in the raw record (a vectorized
    /// search) and compares its value with the catalogue, so that the great majority of records, whose
    /// operation cannot be a share, are skipped without being parsed. An escaped copy of the key inside
    /// a string cannot match (its quote is preceded by a backslash), and a key found nested deeper can
    /// only add candidates, never hide one: when any occurrence is in the catalogue, the record is parsed.
    /// </summary>
    public EventNameFilter Filter(ReadOnlySpan<byte> json) => Filter(json, out _);

    /// <inheritdoc cref="Filter(ReadOnlySpan{byte})"/>
    /// <param name="json">The record.</param>
    /// <param name="firstKey">Where the first eventName key whose value was read starts (its opening quote); -1 when none was.</param>
    // Optimized from its first call: it runs on every record, so a scan should not start in unoptimized code.
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public EventNameFilter Filter(ReadOnlySpan<byte> json, out int firstKey)
    {
        firstKey = -1;
        bool sawKey = false;
        int from = 0;
        while (true)
        {
            int at = EventNameKey.IndexOf(json.Slice(from));
            if (at < 0) return sawKey ? EventNameFilter.NotInCatalogue : from == 0 ? EventNameFilter.NoKey : EventNameFilter.Undecided;
            at += from;
            from = at + 9;
            if (at < 2 || json[at - 2] != (byte)'"' || (json[at - 1] != (byte)'e' && json[at - 1] != (byte)'E')) continue;
            int i = from;
            while (i < json.Length && IsSpace(json[i])) i++;
            if (i >= json.Length || json[i] != (byte)':') continue;
            i++;
            while (i < json.Length && IsSpace(json[i])) i++;
            if (i >= json.Length || json[i] != (byte)'"') return EventNameFilter.Undecided;
            int start = i + 1;
            int end = json.Slice(start).IndexOfAny((byte)'"', (byte)'\\');
            if (end < 0 || json[start + end] == (byte)'\\') return EventNameFilter.Undecided;
            if (IndexOf(json.Slice(start, end)) >= 0) return EventNameFilter.InCatalogue;
            if (!sawKey) firstKey = at - 2;
            sawKey = true;
        }
    }

    /// <summary>The eventName key without its first quote and letter (either case of the e is checked where it is found).</summary>
    internal static readonly IO.Needle EventNameKey = new("ventName\""u8);

    private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';

    public int IndexOfOperation(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence) return IndexOf(reader.ValueSpan);
        string? value = reader.GetString();
        return value == null || value.Length > LongestName ? -1 : IndexOf(Encoding.UTF8.GetBytes(value));
    }

    public int IndexOfSource(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < _sources.Length; i++)
        {
            if (reader.ValueTextEquals(_sources[i])) return i;
        }
        return -1;
    }

    /// <summary>Does the record's eventSource fit the operation? A record without one (LookupEvents) fits.</summary>
    public bool SourceFits(int operationIndex, int sourceIndex, bool hasSource) =>
        !hasSource || _sourceOf[operationIndex] == sourceIndex || (sourceIndex >= 0 && _otherSourceOf[operationIndex] == sourceIndex);
}
