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
    public AwsShareOperation(string eventName, string eventSource, ShareCategory category, AwsGrantExtractor extract, bool needsRequestParameters = true)
    {
        EventName = eventName;
        EventSource = eventSource;
        Category = category;
        Extract = extract;
        NeedsRequestParameters = needsRequestParameters;
    }

    public string EventName { get; }
    public string EventSource { get; }
    public ShareCategory Category { get; }
    public AwsGrantExtractor Extract { get; }

    /// <summary>False for service events (SharedSnapshotCopyInitiated, ...), whose grant is not in requestParameters.</summary>
    public bool NeedsRequestParameters { get; }
}

/// <summary>
/// Reads the grants of one record: the resource and each (action, grantee). <paramref name="requestParameters"/>
/// is the record's requestParameters (default when it has none); <paramref name="record"/> the whole record.
/// </summary>
internal delegate AwsGrantSet? AwsGrantExtractor(JsonElement requestParameters, JsonElement record);

/// <summary>What the byte-level look at a record's eventName says, before any parsing.</summary>
internal enum EventNameFilter
{
    /// <summary>No unescaped eventName key was found, or its value could not be read: parse the record.</summary>
    Undecided,
    /// <summary>Every eventName key in the record names an operation outside the catalogue: skip it.</summary>
    NotInCatalogue,
    /// <summary>An eventName key names a catalogue operation: parse the record.</summary>
    InCatalogue,
}

/// <summary>The operations a reader looks for, matched against raw bytes without allocating.</summary>
internal sealed class AwsShareCatalog
{
    private readonly AwsShareOperation[] _operations;
    private readonly byte[][] _names;
    private readonly byte[][] _sources;
    private readonly int[] _sourceOf;

    public AwsShareCatalog(IEnumerable<AwsShareOperation> operations)
    {
        _operations = new List<AwsShareOperation>(operations).ToArray();
        _names = new byte[_operations.Length][];
        var sources = new List<string>();
        _sourceOf = new int[_operations.Length];
        for (int i = 0; i < _operations.Length; i++)
        {
            _names[i] = Encoding.UTF8.GetBytes(_operations[i].EventName);
            int s = sources.IndexOf(_operations[i].EventSource);
            if (s < 0)
            {
                s = sources.Count;
                sources.Add(_operations[i].EventSource);
            }
            _sourceOf[i] = s;
        }
        _sources = sources.ConvertAll(Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>Every operation of the AWS catalogue.</summary>
    public static AwsShareCatalog All { get; } = new(AwsOperations.All);

    /// <summary>The snapshot and image sharing operations of Get-SnapshotShareEvent.</summary>
    public static AwsShareCatalog Snapshots { get; } = All.For(new[] { ShareCategory.Snapshot });

    /// <summary>The catalogue narrowed to some categories.</summary>
    public AwsShareCatalog For(ICollection<ShareCategory>? categories) =>
        categories == null ? this : new AwsShareCatalog(_operations.Where(o => categories.Contains(o.Category)));

    /// <summary>The operation of this name (exact case, as CloudTrail writes it), or null.</summary>
    public AwsShareOperation? Find(string? eventName)
    {
        if (eventName == null) return null;
        foreach (var op in _operations)
        {
            if (string.Equals(op.EventName, eventName, StringComparison.Ordinal)) return op;
        }
        return null;
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
    public EventNameFilter Filter(ReadOnlySpan<byte> json)
    {
        bool sawKey = false;
        int from = 0;
        while (true)
        {
            int at = json.Slice(from).IndexOf("ventName\""u8);
            if (at < 0) return sawKey ? EventNameFilter.NotInCatalogue : EventNameFilter.Undecided;
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
            var name = json.Slice(start, end);
            foreach (var candidate in _names)
            {
                if (name.SequenceEqual(candidate)) return EventNameFilter.InCatalogue;
            }
            sawKey = true;
        }
    }

    private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';

    public int IndexOfOperation(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < _names.Length; i++)
        {
            if (reader.ValueTextEquals(_names[i])) return i;
        }
        return -1;
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
        !hasSource || _sourceOf[operationIndex] == sourceIndex;
}
