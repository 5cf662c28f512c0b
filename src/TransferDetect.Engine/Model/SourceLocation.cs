using System.Globalization;

namespace TransferDetect.Engine.Model;

/// <summary>Where a record was read: a file with its line, record number and byte offset, or an API.</summary>
public sealed class SourceLocation
{
    public SourceLocation(string file, long line, long record, long offset)
    {
        File = file;
        Line = line;
        Record = record;
        Offset = offset;
    }

    /// <summary>The file as it was read (full path), or the API name.</summary>
    public string File { get; }

    /// <summary>1-based line of the decompressed text where the record starts.</summary>
    public long Line { get; }

    /// <summary>1-based number of the record within the file.</summary>
    public long Record { get; }

    /// <summary>0-based byte offset of the record in the decompressed text.</summary>
    public long Offset { get; }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0}:{1} (record {2}, offset {3})", File, Line, Record, Offset);
}
