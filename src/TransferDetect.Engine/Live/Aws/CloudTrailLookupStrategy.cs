namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// How LookupEvents is narrowed to the share operations. The API takes one lookup attribute per call, so it
/// is either one listing per event name, or one listing of all write events filtered here.
/// </summary>
public enum CloudTrailLookupStrategy
{
    /// <summary>
    /// One listing per share operation (the default): a region costs one call per operation (about 40)
    /// plus one per 50 share events, whatever else the account does. Events come out operation by operation.
    /// </summary>
    PerEventName,

    /// <summary>
    /// One listing of the write events (ReadOnly=false), filtered here: one call per 50 write events of the
    /// account. Cheaper only in a quiet account; events come out newest first.
    /// </summary>
    WriteEvents,
}
