using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace TransferDetect.Engine.Sources.Aws;

/// <summary>A CloudTrail operation that can grant or revoke access, and how to read its grants.</summary>
internal sealed class AwsShareOperation
{
    public AwsShareOperation(string eventName, string eventSource, AwsGrantExtractor extract)
    {
        EventName = eventName;
        EventSource = eventSource;
        Extract = extract;
    }

    public string EventName { get; }
    public string EventSource { get; }
    public AwsGrantExtractor Extract { get; }
}

/// <summary>Reads the grants of one record: the resource and each (action, grantee).</summary>
internal delegate AwsGrantSet? AwsGrantExtractor(JsonElement requestParameters, string eventName);

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

    /// <summary>The snapshot and image sharing operations of Get-SnapshotShareEvent.</summary>
    public static AwsShareCatalog Snapshots { get; } = new(SnapshotGrantExtractors.Operations);

    public IReadOnlyList<AwsShareOperation> Operations => _operations;

    public AwsShareOperation this[int index] => _operations[index];

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

    public int IndexOfOperation(string eventName, string? eventSource)
    {
        for (int i = 0; i < _operations.Length; i++)
        {
            if (string.Equals(_operations[i].EventName, eventName, StringComparison.Ordinal) &&
                (eventSource == null || string.Equals(_operations[i].EventSource, eventSource, StringComparison.Ordinal)))
            {
                return i;
            }
        }
        return -1;
    }
}
