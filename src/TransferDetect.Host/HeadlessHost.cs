using System.Globalization;
using System.Management.Automation.Host;

namespace TransferDetect.Host;

/// <summary>
/// A PowerShell host with no console input: output goes to writers, prompts fail (runbook-safe),
/// and <c>exit N</c> in a script is recorded as the process's exit code.
/// </summary>
public sealed class HeadlessHost : PSHost
{
    private readonly HeadlessUserInterface _ui;

    /// <param name="plain">True when output is not a terminal: escape sequences (colours) are removed.</param>
    public HeadlessHost(TextWriter output, TextWriter errors, int width, bool plain)
    {
        _ui = new HeadlessUserInterface(output, errors, width, plain);
    }

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "TransferDetect.Host";
    public override Version Version => typeof(HeadlessHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override PSHostUserInterface UI => _ui;

    /// <summary>Set when the script called <c>exit</c>.</summary>
    public bool ShouldExit { get; private set; }

    public int ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode)
    {
        ShouldExit = true;
        ExitCode = exitCode;
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException("The headless host has no interactive prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("The headless host has no interactive prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
