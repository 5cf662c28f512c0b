using System;
using System.Linq;
using System.Reflection;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Sources;
using TransferDetect.Engine.Sources.Aws;
using TransferDetect.Engine.Sources.Azure;
using TransferDetect.Engine.Sources.Gcp;
using TransferDetect.Engine.Sources.M365;
using Xunit;

namespace TransferDetect.Engine.Tests;

/// <summary>
/// The methods a scan runs once a record or more often are compiled optimized from their first call (Jit.Optimized).
/// Left to tiering they ran unoptimized, then instrumented code for most of a first scan, the only scan a runbook
/// makes (bench/README.md, "The first scan", has the measurements). Dropping the mark changes no answer, so only this test
/// notices.
/// </summary>
public class FirstScanCompilationTests
{
    public static TheoryData<Type, string, int> PerRecordMethods => new()
    {
        { typeof(JsonRecordSplitter), "TryNext", 2 },
        { typeof(JsonRecordSplitter), "Next", 2 },
        { typeof(JsonRecordSplitter), "ScanBlocks", 0 },
        { typeof(JsonRecordSplitter), "ScanRecordBlocks", 0 },
        { typeof(JsonRecordSplitter), "EndRecord", 1 },
        { typeof(JsonRecordSplitter), "HandleTopLevelByte", 0 },
        { typeof(JsonRecordSplitter), "WrapperKeysAbsent", 0 },
        { typeof(Needle), "IndexOf", 1 },
        { typeof(Needle), "AnyIn", 2 },
        { typeof(CsvRecordReader), "ReadRow", 5 },
        { typeof(CsvRecordReader), "Run", 3 },
        { typeof(CsvRecordReader), "QuotedRun", 2 },
        { typeof(CsvRecordReader), "QuotedJsonBlocks", 0 },
        { typeof(CsvRecordReader), "WriteRow", 2 },
        { typeof(CsvRecordReader), "Append", 3 },
        { typeof(CsvRecordReader), "AppendRange", 2 },
        { typeof(ShareLogReader), "ReadUntilEvents", 7 },
        { typeof(ShareLogReader), "ReadRecord", 6 },
        { typeof(ClaimText), "NextOperationKey", 3 },
        { typeof(ClaimText), "ContainsIgnoringCase", 2 },
        { typeof(ClaimText), "IndexOfEither", 3 },
        { typeof(ClaimText), "HasNonAscii", 1 },
        { typeof(ClaimText), "SkipWhitespace", 3 },
        { typeof(ClaimText), "TakeQuote", 3 },
        { typeof(ClaimText), "ReadPlainString", 4 },
        { typeof(ClaimText), "TakeColon", 3 },
        { typeof(CloudTrailInterpreter), "Claim", 1 },
        { typeof(CloudTrailInterpreter), "HasEventSource", 2 },
        { typeof(CloudTrailInterpreter), "EventSourceJustBefore", 2 },
        { typeof(AwsShareCatalog), "Filter", 2 },
        { typeof(AzureActivityInterpreter), "Claim", 1 },
        { typeof(AzureActivityInterpreter), "Marked", 1 },
        { typeof(AzureActivityInterpreter), "ReadOperationValues", 1 },
        { typeof(AzureActivityInterpreter), "OperationValueAt", 2 },
        { typeof(AzureActivityInterpreter), "Judge", 2 },
        { typeof(GcpAuditInterpreter), "Claim", 1 },
        { typeof(M365AuditInterpreter), "Claim", 1 },
        { typeof(M365AuditInterpreter), "OperationValueAt", 3 },
        { typeof(M365AuditInterpreter), "ReadOperationValues", 1 },
        { typeof(M365AuditInterpreter), "HasEscapedLetter", 1 },
        { typeof(JsonFieldIndex), "Reset", 1 },
        { typeof(JsonFieldIndex), "Prop", 1 },
    };

    [Theory]
    [MemberData(nameof(PerRecordMethods))]
    public void A_method_run_once_a_record_is_compiled_optimized_from_its_first_call(Type type, string name, int parameters)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var method = Assert.Single(type.GetMethods(All), m => m.Name == name && m.GetParameters().Length == parameters);
        Assert.True(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization),
            $"{type.Name}.{name} runs once a record or more often: mark it [MethodImpl(Jit.Optimized)]");
    }

    [Fact]
    public void The_mark_is_aggressive_optimization_on_this_runtime()
    {
        Assert.Equal(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization, Jit.Optimized);
    }
}
