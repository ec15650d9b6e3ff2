using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;
using LoyaltyConsole.Domain.Workflows;

namespace LoyaltyConsole.Tests.Domain.Workflows;

public sealed class WorkflowTests
{
    private static readonly DateTime At = new(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);

    private static Workflow WinBack(int pilot = 100, int control = 10) =>
        new("Win-back", WorkflowKind.WinBack, [7], 1, Channel.Sms, new WorkflowCaps(), pilot, control, null, At, "maya");

    [Fact]
    public void Invalid_settings_are_refused_with_every_problem_named()
    {
        var error = Assert.Throws<DomainException>(() => new Workflow("Bad", WorkflowKind.WinBack, [], null, Channel.Sms,
            new WorkflowCaps { BudgetPerPeriodMinor = -1 }, 120, -5, null, At, "maya"));

        Assert.Contains("The pilot percentage must be between 0 and 100.", error.Message, StringComparison.Ordinal);
        Assert.Contains("The control-group percentage must be between 0 and 100.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Choose at least one target segment.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Caps cannot be negative.", error.Message, StringComparison.Ordinal);
        Assert.Contains("A message needs a reward to offer.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_workflow_starts_off_and_every_change_bumps_its_version()
    {
        var workflow = WinBack();
        Assert.Equal(WorkflowPhase.Off, workflow.Phase);
        Assert.Equal(1, workflow.Version);

        workflow.Change("Win-back", [7], 1, Channel.Sms, WorkflowPhase.Shadow, new WorkflowCaps(), 100, 10, null, false, At.AddDays(1), "maya");

        Assert.Equal(WorkflowPhase.Shadow, workflow.Phase);
        Assert.Equal(2, workflow.Version);
    }

    [Fact]
    public void Pilot_and_control_assignment_is_stable_and_close_to_the_configured_shares()
    {
        var workflow = WinBack(pilot: 40, control: 25);
        var assignments = Enumerable.Range(1, 20_000).Select(workflow.AssignmentOf).ToList();

        Assert.Equal(assignments, Enumerable.Range(1, 20_000).Select(workflow.AssignmentOf));
        var inPilot = assignments.Count(a => a != PilotAssignment.OutsidePilot) / 20_000.0;
        var control = assignments.Count(a => a == PilotAssignment.Control) / (double)assignments.Count(a => a != PilotAssignment.OutsidePilot);
        Assert.InRange(inPilot, 0.38, 0.42);
        Assert.InRange(control, 0.23, 0.27);
    }

    [Fact]
    public void A_zero_percent_pilot_contacts_nobody_and_a_full_pilot_without_control_everybody()
    {
        Assert.All(Enumerable.Range(1, 500), id => Assert.Equal(PilotAssignment.OutsidePilot, WinBack(pilot: 0).AssignmentOf(id)));
        Assert.All(Enumerable.Range(1, 500), id => Assert.Equal(PilotAssignment.Treatment, WinBack(pilot: 100, control: 0).AssignmentOf(id)));
    }

    [Fact]
    public void A_paused_workflow_stays_paused_until_a_change_resumes_it()
    {
        var workflow = WinBack();
        workflow.Pause("This run proposes 600 actions for a segment of 1,000 (60%); the limit is 50%.", At);

        workflow.Change("Win-back", [7], 1, Channel.Sms, WorkflowPhase.Review, new WorkflowCaps(), 100, 10, null, false, At, "maya");
        Assert.True(workflow.IsPaused);
        workflow.Change("Win-back", [7], 1, Channel.Sms, WorkflowPhase.Review, new WorkflowCaps(), 100, 10, null, true, At, "maya");
        Assert.False(workflow.IsPaused);
    }
}

public sealed class RewardTests
{
    private static readonly DateTime At = new(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_kind_requires_its_own_details()
    {
        Assert.Equal("A percentage discount must be between 1% and 100%.",
            Assert.Throws<DomainException>(() => new Reward("Deal", RewardKind.PercentDiscount, null, 120, null, null, 1000, "USD", At, "maya")).Message);
        Assert.Equal("A points bonus needs between 1 and 1,000,000 points.",
            Assert.Throws<DomainException>(() => new Reward("Bonus", RewardKind.PointsBonus, 0, null, null, null, 500, "USD", At, "maya")).Message);
        Assert.Equal("A points bonus needs between 1 and 1,000,000 points.",
            Assert.Throws<DomainException>(() => new Reward("Bonus", RewardKind.PointsBonus, int.MaxValue, null, null, null, 500, "USD", At, "maya")).Message);
        Assert.Equal("The estimated cost cannot exceed $1,000,000,000.00.",
            Assert.Throws<DomainException>(() => new Reward("Bonus", RewardKind.PointsBonus, 100, null, null, null, long.MaxValue, "USD", At, "maya")).Message);
        Assert.Equal("Name the add-on service or product given.",
            Assert.Throws<DomainException>(() => new Reward("Gift", RewardKind.FreeAddOn, null, null, " ", null, 500, "USD", At, "maya")).Message);
        Assert.Contains("cannot be negative", Assert.Throws<DomainException>(() => new Reward("Bonus", RewardKind.PointsBonus, 100, null, null, null, -1, "USD", At, "maya")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reward_knows_how_its_offer_may_be_written_and_whether_it_is_high_value()
    {
        var discount = new Reward("20% off", RewardKind.PercentDiscount, null, 20, null, null, 2_400, "usd", At, "maya");

        Assert.Equal(["20%", "20 percent"], discount.OfferTokens);
        Assert.Equal("20% off the next visit", discount.Describe());
        Assert.True(discount.IsHighValue(2_000));
        Assert.False(discount.IsHighValue(2_400));
        Assert.Equal("USD", discount.Currency);
    }
}
