namespace LoyaltyConsole.Proposals;

/// <summary>
/// That a workflow's proposals for a day were written. Unique per workflow and day, so of two runs racing for the same
/// day (two app instances, a person's "run now" beside the schedule) the database lets exactly one write.
/// </summary>
public sealed class ProposalRun
{
    public long Id { get; private set; }
    public int WorkflowId { get; private set; }
    public DateOnly RunDate { get; private set; }
    public DateTime At { get; private set; }
    public int Proposals { get; private set; }

    private ProposalRun()
    {
    }

    /// <summary>How many proposals the run wrote once its exclusions are applied.</summary>
    public void Wrote(int proposals) => Proposals = proposals;

    public ProposalRun(int workflowId, DateOnly runDate, DateTime at, int proposals)
    {
        WorkflowId = workflowId;
        RunDate = runDate;
        At = at;
        Proposals = proposals;
    }
}
