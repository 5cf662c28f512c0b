using System;
using System.Collections.Generic;
using System.Threading;

namespace TransferDetect.Engine.IO;

/// <summary>A file's records one at a time, for a reader's own loop (each record is valid until the next call).</summary>
internal interface IRawRecordSource : IDisposable
{
    bool TryNext(CancellationToken cancellationToken, out RawRecord record);
}

/// <summary>The records of an iterator (the CSV reader's) as a <see cref="IRawRecordSource"/>.</summary>
internal sealed class EnumeratedRecords : IRawRecordSource
{
    private readonly IEnumerator<RawRecord> _records;

    public EnumeratedRecords(IEnumerable<RawRecord> records) => _records = records.GetEnumerator();

    public bool TryNext(CancellationToken cancellationToken, out RawRecord record)
    {
        if (_records.MoveNext())
        {
            record = _records.Current;
            return true;
        }
        record = default;
        return false;
    }

    public void Dispose() => _records.Dispose();
}
