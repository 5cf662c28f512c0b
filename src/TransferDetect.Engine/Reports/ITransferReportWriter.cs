using System;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// A report being written: findings and incidents go in one at a time, in the order they arrive;
/// <see cref="Complete"/> finishes the file. Disposing without completing leaves what was written so
/// far (a streaming format) or nothing (a format assembled at the end).
/// </summary>
public interface ITransferReportWriter : IDisposable
{
    /// <summary>Findings written so far, those of incidents included.</summary>
    long Written { get; }

    /// <summary>Incidents written so far.</summary>
    long IncidentsWritten { get; }

    void Write(Finding finding);

    /// <summary>Writes the incident (where the format has a place for it) and each of its findings.</summary>
    void Write(TransferIncident incident);

    /// <summary>Finishes the report (assembles it, for HTML) and flushes it.</summary>
    void Complete();
}
