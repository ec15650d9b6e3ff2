namespace LoyaltyConsole.DemoData;

/// <summary>
/// When a demo client first came, how often they come and how likely they are to stop, drawn from the story the
/// nightly BG/NBD model tells (Fader, Hardie &amp; Lee 2005): while active, a client visits at their own rate, which
/// varies across clients as a gamma; after each return visit they stop for good with their own probability, which
/// varies as a beta. Clients differing in both is what the model is built to find; a business whose clients all keep
/// the same rhythm and leave at the same rate drives its fit to a parameter bound.
/// </summary>
internal sealed record DemoVisitPattern(DateOnly FirstVisit, double VisitsPerDay, double DropoutAfterVisit)
{
    public const int HistoryDays = 730;

    // New clients come a quarter more often each year: a growing chain.
    private const double YearlyGrowth = 0.25;

    private sealed record Population(double Share, double RateShape, double MeanDaysBetweenVisits, double DropoutA, double DropoutB);

    private static readonly Population[] Populations =
    [
        // Most clients: a visit every 5 to 6 weeks on average, widely spread (shape 1.5: some every 3 weeks, some twice
        // a year). Beta(0.7, 3.5) is U-shaped: about a quarter practically never leave, and a few stop after a visit or two.
        new(0.95, 1.5, 40, 0.7, 3.5),
        // Very loyal regulars: every 4 weeks or so (shape 6 keeps them close to it), and hardly ever leave (2.4% per visit).
        new(0.05, 6.0, 28, 1.0, 40.0),
    ];

    /// <summary>
    /// One client's pattern. <paramref name="visitRate"/> scales how often every client comes and divides their chance
    /// of leaving after a visit by as much, so each stays as long as at 1 and only their visits multiply: a larger
    /// business by visits for the same clients (seed-demo --visit-rate). At 1 the draws and the business are the default demo's.
    /// </summary>
    public static DemoVisitPattern Draw(Random rng, DateOnly today, double visitRate = 1.0)
    {
        var population = DemoVisitFactory.Pick(rng, Populations.Select(p => (p, p.Share)).ToList());
        // Gamma(shape, scale) has mean shape × scale: one visit per MeanDaysBetweenVisits across the population.
        var rate = rng.NextGamma(population.RateShape, 1.0 / (population.RateShape * population.MeanDaysBetweenVisits));
        var dropout = rng.NextBeta(population.DropoutA, population.DropoutB);
        return new DemoVisitPattern(FirstVisitDay(rng, today), rate * visitRate, dropout / visitRate);
    }

    /// <summary>The local days of the client's visits before <paramref name="today"/>, the first visit first.</summary>
    public List<DateOnly> VisitDays(Random rng, DateOnly today)
    {
        var peak = DemoCatalog.MonthlyVisitDemand.Max();
        var days = new List<DateOnly> { FirstVisit };
        var horizon = today.DayNumber - FirstVisit.DayNumber;
        var elapsed = 0.0;
        while (true)
        {
            // The months' demand by thinning (Lewis & Shedler 1979): candidates come at the peak month's rate and each
            // is kept with its own month's share of that peak, which is exactly a Poisson process with a seasonal rate.
            elapsed += rng.NextExponential(VisitsPerDay * peak);
            if (elapsed >= horizon)
            {
                return days;
            }
            var day = FirstVisit.AddDays((int)elapsed);
            if (rng.NextDouble() * peak >= DemoCatalog.MonthlyVisitDemand[day.Month - 1] || day == days[^1])
            {
                // Not this month's demand, or the same day as the visit before: one appointment, not two.
                continue;
            }
            days.Add(day);
            if (rng.NextDouble() < DropoutAfterVisit)
            {
                return days;
            }
        }
    }

    private static DateOnly FirstVisitDay(Random rng, DateOnly today)
    {
        var start = today.AddDays(-HistoryDays);
        var heaviest = (1.0 + (YearlyGrowth * HistoryDays / 365.0)) * DemoCatalog.MonthlyNewClients.Max();
        while (true)
        {
            var offset = rng.Next(0, HistoryDays);
            var day = start.AddDays(offset);
            var weight = (1.0 + (YearlyGrowth * offset / 365.0)) * DemoCatalog.MonthlyNewClients[day.Month - 1];
            if (rng.NextDouble() * heaviest < weight)
            {
                return day;
            }
        }
    }
}
