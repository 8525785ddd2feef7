"""Example reasoning traces, writer B: Education, Management, Literature and Arts, Agronomy, Sociology, Military Science.

Original text written for this project (CC BY 4.0, like the sample pool); not copied or paraphrased from any
dataset, model output or benchmark. Each trace answers one question of the bundled sample pool (ids nts-053..nts-208).
``notes`` record the writer's intent (strategies, verbosity 0-10, whether the final answer is right);
``correct=False`` traces end in a deliberate, plausible slip.
"""

TRACES = [
    # ---------------------------------------------------------------- Education
    dict(
        question_id="nts-073",
        reasoning="""Okay, so I need to split 24 students into equal groups, each group having between 3 and 6 students, and then say which size suits cooperative learning best.

The question is asking two things: the list of possible sizes, and a judgement about which is best. Let me start by finding the sizes, since that part is pure arithmetic.

Equal groups means the group size has to divide 24 exactly. Candidates are 3, 4, 5, 6. Let me test each one.
- 3: 24 / 3 = 8 groups. Works.
- 4: 24 / 4 = 6 groups. Works.
- 5: 24 / 5 = 4.8. Not a whole number, so 5 is out (four groups of 5 leaves 4 students over).
- 6: 24 / 6 = 4 groups. Works.

So the possible sizes are 3, 4 and 6, giving 8, 6 or 4 groups.

Now the teaching part. I remember that the cooperative learning literature (Johnson and Johnson, Kagan's structures) tends to favour small groups, often four, because every member has to contribute and individual accountability is easier to keep. Let me think through each size.

Case 1: groups of 3. Everyone talks a lot, hard to hide. But a trio often becomes a pair plus one left out, and if one student is absent the group is down to two. Eight groups is also a lot for one teacher to monitor.

Case 2: groups of 4. Can split into two pairs for think-pair-share and then recombine, which is a big practical advantage. Four is small enough that nobody can free-ride easily, and there are enough viewpoints for discussion. Six groups is manageable to circulate among.

Case 3: groups of 6. More ideas and skills, good for a big project with many roles, but social loafing becomes more likely and quieter students can disappear. Coordination takes longer.

So far: 3 is very active but fragile, 6 is rich but prone to free-riding, 4 sits in the middle and also splits neatly into pairs.

I'd say 4 is the best default, with 3 reasonable for short tasks and 6 only if the project really needs many distinct roles.""",
        response="""Equal groups need a size that divides 24, so the possible sizes are 3 (8 groups), 4 (6 groups) and 6 (4 groups); 5 does not divide 24. For cooperative learning, groups of 4 are usually best: small enough for individual accountability and full participation, large enough for varied ideas, and easy to split into pairs. Groups of 3 are more fragile, while groups of 6 invite free-riding. Possible sizes: 3, 4 or 6 students per group, with 4 the best choice.""",
        final="3, 4 or 6 students per group",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "testing_examples", "recalling_knowledge",
                        "case_analysis", "summarizing_progress"],
            verbosity=2, correct=True,
        ),
    ),
    dict(
        question_id="nts-138",
        reasoning="""Pass rate before: 18/25. 18 x 4 = 72, so 72%.
Pass rate after: 22/25. 22 x 4 = 88, so 88%.
Change: 88 - 72 = 16 percentage points. Note this is points, not percent; as a relative rise it would be 16/72, about 22%.

Let me check: 25 x 0.72 = 18 and 25 x 0.88 = 22. Good.

Why this does not show causation:
- Different quizzes. The second may simply be easier.
- No comparison class taught the old way over the same period.
- Students learn anyway over time; they also get used to the quiz format.
- With 25 students, a difference of 4 students is small and could be chance.
- The teacher knew about the new approach and may have put in more effort, or students responded to the novelty.
- Maybe a few students were absent or different on the two days.

A fair test would use a control group, the same or equated quizzes, and ideally several classes.""",
        response="""The pass rates are 18/25 = 72% and 22/25 = 88%, an increase of 16 percentage points. This alone does not show that the new approach caused the gain: the quizzes differ and may not be equally hard, there is no control class, students improve with time and familiarity anyway, the teacher's enthusiasm or novelty may matter, and a change of four students in a class of 25 could easily be chance. Answer: 72% and 88%, a rise of 16 percentage points, which is not by itself evidence of causation.""",
        final="72% and 88%, a rise of 16 percentage points",
        notes=dict(
            strategies=["self_verification"],
            verbosity=0, correct=True,
        ),
    ),
    dict(
        question_id="nts-190",
        reasoning="""Okay, so there's a multiple-choice test, 40 questions, 4 options each. The question asks two things: what a student should expect from pure guessing, and then how a penalty of one third of a mark per wrong answer changes that.

I recall that expected value is just the sum over outcomes of value times probability. For one question guessed at random, the chance of being right is 1/4.

Without penalty: a right answer gives 1 mark, a wrong one gives 0. Expected per question = 1/4 x 1 + 3/4 x 0 = 0.25. Over 40 questions, 40 x 0.25 = 10 marks.

With the penalty: right gives +1, wrong gives -1/3. Expected per question = 1/4 x 1 + 3/4 x (-1/3) = 1/4 - 1/4 = 0. So over 40 questions the expectation is 0.

Hmm, that's neat, and I think it is deliberate: the penalty 1/(k-1) for k options is exactly the value that makes blind guessing worth nothing on average. With 4 options, 1/(4-1) = 1/3. Let me double-check with a concrete example. Suppose a student guesses 4 questions and, as the average suggests, gets 1 right and 3 wrong: 1 - 3 x 1/3 = 0. Yes.

Another angle: what if the student can eliminate one option? Then the chance is 1/3: expected = 1/3 - 2/3 x 1/3 = 1/3 - 2/9 = 1/9 > 0. So partial knowledge still pays even with the penalty, which is the point of the scheme: it removes the reward for pure luck but not for partial knowledge.

Also worth noting: the expected value is 0 but individual guessers will vary. The number right out of 40 is binomial with mean 10 and standard deviation sqrt(40 x 0.25 x 0.75) = sqrt(7.5), about 2.7, so some guessers score positive and some negative.""",
        response="""With four options, a pure guess is right with probability 1/4, so the expected score is 40 x 1/4 = 10 marks. With a penalty of 1/3 mark per wrong answer, each guess is worth 1/4 x 1 - 3/4 x 1/3 = 0 on average, so the expected score from pure guessing falls to 0 (individual scores still scatter around it). The penalty removes the benefit of blind guessing while still rewarding a student who can eliminate wrong options. Expected score: 10 marks without the penalty, 0 with it.""",
        final="10 marks; 0 with the penalty",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "recalling_knowledge", "self_verification",
                        "testing_examples", "exploring_alternatives"],
            verbosity=3, correct=True,
        ),
    ),
    dict(
        question_id="nts-060",
        reasoning="""Okay, so I need to explain why spreading practice out over time usually gives better long-term retention than cramming the same amount of practice into one session, and I have to refer to the forgetting curve. This is the spacing effect, or distributed practice versus massed practice.

Let me restate what is being compared, because the wording matters: the same total amount of practice. So it is not that the spaced learner studies more. Same number of hours, same number of repetitions, just distributed differently. And the outcome is long-term retention, not performance right at the end of the session. That distinction is going to matter, I think, because cramming can actually look better if you test immediately.

First, let me recall the forgetting curve. I remember that Hermann Ebbinghaus in the 1880s memorised lists of nonsense syllables, things like consonant-vowel-consonant strings, and then measured how much he had retained after various delays. He used the savings method: how much less time it took to relearn the list compared with learning it the first time. The curve he got drops very steeply at first and then levels off. Roughly, if I remember the numbers, after about twenty minutes the savings were a bit under 60%, after an hour a bit under half, after a day about a third, and after a month around a fifth. I'm not sure about the exact figures, but the shape is what matters: rapid loss soon after learning, then slower loss. Something like an exponential or power-function decay.

So the forgetting curve says memory decays quickly after a learning episode. How does that explain the spacing effect? Let me think.

My plan: (1) describe the curve, (2) explain what happens to the curve after each review, (3) compare the two schedules, (4) mention other mechanisms beyond the curve itself, (5) maybe an example.

Step (2). The key observation, also going back to Ebbinghaus, is that each time you relearn or review the material, the curve after that review is flatter than the one before. Memory becomes more stable, decays more slowly. In modern terms people talk about memory strength or stability increasing with each successful retrieval. So repeated reviews produce a sequence of curves, each flatter. This is the picture that you see in textbooks with a sawtooth: drop, review brings it back to the top, drop more slowly, review, drop even more slowly.

Now step (3): if you cram, all repetitions happen within one session. While you are inside the session, memory is already near the top, because you just saw the item a minute ago. So the repetitions happen when the item has barely been forgotten. Hmm, why would that be worse? The total repetitions are the same.

I think the answer is that the boost in stability from a review depends on how much forgetting has happened before it. If you review when the item is still perfectly fresh, the review adds little; it is almost redundant. If you review after some forgetting, so that retrieving it takes effort, the review strengthens the memory much more. This is related to what Robert Bjork calls desirable difficulties: retrieval that is effortful but successful produces more learning. So in cramming, most of the repetitions are wasted on an item that is already at the top of the curve. In spaced practice, each repetition comes when the curve has dropped a bit, and the re-learning each time builds more durable stability.

Wait, but there is a subtlety. If you wait too long, the item is completely forgotten and the review is just learning from scratch, with no retrieval success. So the spacing should not be infinite. There is an optimal gap. I recall that there was a large study, Cepeda and colleagues around 2008, which found that the optimal gap depends on how long you want to remember: the longer the retention interval, the longer the ideal gap, something like 10 to 20% of the retention interval. I might be wrong about the exact percentage, but the qualitative result is that for a test a year away you should space sessions weeks or a month apart, while for a test next week, a day apart is fine.

Let me try a concrete example to make sure the logic holds. Imagine a student learning 40 Spanish vocabulary words, with three hours available.

Massed: three hours on Sunday. By the end of Sunday, she can recall nearly all 40. But the forgetting curve for items learned in one burst is steep: a week later, maybe she recalls 15 or so. Only a single learning episode, one curve, and it was not very flat because all the reviews happened when the words were fresh.

Spaced: one hour on Sunday, one on Wednesday, one the next Sunday. On Wednesday she has forgotten a chunk, perhaps half. Re-learning them brings her back up, and now the curve is flatter. Next Sunday she has forgotten fewer than she did between Sunday and Wednesday. Re-learning again flattens it further. A week after the last session, she might still recall 30 or more.

These numbers are invented, of course, but they match the pattern the research shows: cramming tends to win on an immediate test, and spacing wins clearly on a delayed test. Actually, that is an important point to include, because it explains why students keep cramming: it feels effective. Right after a cram session, performance is high, and the fluency of the material misleads them into thinking they have learned it well. This is sometimes discussed as an illusion of competence or a metacognitive error.

Hmm, let me reconsider whether I should say the curve itself is changed, or whether the spaced learner simply has fewer items at the bottom of the curve at test. Both are true in a sense, but the standard explanation is the first: each spaced review increases the durability of the memory, so the decay rate after the final session is lower than after a cram session. The Ebbinghaus-style picture of curves getting shallower with each repetition is exactly this.

Now step (4), other mechanisms. I'm not sure how much the question wants, but it says usually, so maybe I should give the reasons, not just the curve. Let me list the main theories I know:

- Deficient processing: when the same item is repeated within a short time, people pay less attention to the second presentation, because it feels familiar. Like when you reread a paragraph you just read and your eyes slide over it. So massed repetitions get shallower processing.

- Encoding variability: when study sessions are spread out, each occurs in a slightly different context: different day, mood, place, what else you have been thinking about. The memory gets linked to multiple cues, so there are more routes to retrieve it later. With cramming, all the encoding happens in one context, so fewer cues.

- Study-phase retrieval: this is basically the point above about effortful retrieval. When you study an item the second time, you retrieve the first occurrence; if that retrieval is harder (because of the gap), it strengthens the memory more. This is the one closest to the forgetting curve argument.

- Consolidation: memories are stabilised over time, partly during sleep. Spreading practice over several days means several nights of sleep consolidation between sessions; cramming puts all the practice before one consolidation period. I think this is supported by research but I am not certain of the details, so I will mention it carefully.

- Fatigue: in a long single session attention declines, so the later repetitions are less effective. This is a bit trivial but true.

Is there another way to see this? This is like watering a plant, perhaps: pouring a week of water on it at once mostly runs off, while watering every couple of days lets it absorb. Or a better comparison might be physical training: exercising for seven hours on one day is less useful than an hour a day for a week, because adaptation happens in the gaps between sessions. The analogy is not perfect, because memory does not get tired in exactly the same way, but the idea that the gaps themselves do work is the same.

Let me check the claim that spacing is better for the same total time. Yes, that is how the experiments are designed: the total number of exposures or minutes is held constant, and only the distribution differs. The spacing effect is one of the most robust findings in cognitive psychology; it has been replicated across verbal material, motor skills, and classroom settings, with children and adults. I remember a meta-analysis by Cepeda et al. 2006 that pooled hundreds of comparisons and found spaced practice ahead in the large majority of them. So usually is fair, which is why the question says usually: there are exceptions, for example when the delay between sessions is so long that almost everything is forgotten, or when the test is immediate.

Let me recap what I have so far:
1. The forgetting curve: memory falls steeply after learning and then levels off.
2. Each review restores memory and makes the next curve flatter.
3. The stability gain from a review is larger when some forgetting has occurred and retrieval takes effort; reviews during cramming come when the item is still fresh and add little.
4. Spacing also brings varied contexts, fuller attention to each repetition and consolidation between sessions.
5. Cramming gives good immediate performance but a steep curve afterwards; spacing gives durable retention.
6. The best gap grows with the time you want to remember the material.

I think that covers it. Hmm, but wait: should I mention the testing effect separately? Retrieval practice, testing yourself, is a related but distinct idea. Spacing and retrieval practice combine well: spaced self-testing is the strongest approach. The question is only about spacing, so a brief mention is enough. I don't want to drift.

Actually, one more thought on the forgetting curve wording. Some people describe spaced repetition as timing the reviews to happen just before the item would be forgotten, riding the curve. That is the logic of spaced repetition software like Anki or the Leitner box system, which expand the interval after each successful recall: one day, three days, a week, two weeks, a month. Expanding intervals fit the flatter-and-flatter curve picture: as the decay slows down, you can wait longer before the next review. Whether expanding intervals beat equal intervals is actually debated, I think; some studies found equal spacing does as well. I'm not sure of the current consensus, so I will not claim expanding schedules are definitely better.

Let me also sanity check the practical implication: a student with ten hours to prepare for an exam in a month would do better with, say, five two-hour sessions spread across the month, each beginning with self-testing on earlier material, than with ten hours over the last two days. That is consistent with everything above.

And why the real-world picture is 'usually' rather than 'always': if the goal is to remember something for only a few hours, like a phone number or an exam tomorrow morning, massed practice can be enough or even better, because the test comes before the steep part of the curve has done its damage. So the answer depends on the retention interval, which is exactly what the forgetting curve would predict.

I think I'm ready to write the answer. Keep it focused on the curve, then the mechanism, then the other reasons briefly.""",
        response="""Ebbinghaus's forgetting curve shows that memory falls steeply soon after learning and then levels off, and that each time material is relearned the following curve is flatter, meaning the memory has become more durable. In spaced practice each review comes after some forgetting, so retrieval takes effort and produces a large gain in stability; in crammed practice the repetitions come while the material is still fresh, so most of them add little, and after the single session the curve drops steeply. Spacing also adds varied retrieval contexts, fuller attention to each repetition and consolidation (including sleep) between sessions. Cramming therefore often looks better on an immediate test, but for the same total practice, spaced practice gives much better long-term retention, with the best gap growing with how long the material must be remembered.""",
        final="Spaced practice gives better long-term retention",
        notes=dict(
            strategies=["restating_problem", "recalling_knowledge", "subgoal_setting",
                        "expressing_uncertainty", "testing_examples", "analogy", "exploring_alternatives",
                        "backtracking", "self_verification", "summarizing_progress", "estimation"],
            verbosity=7, correct=True,
        ),
    ),
    # ---------------------------------------------------------------- Management
    dict(
        question_id="nts-074",
        reasoning="""Okay, so a firm would invest $100,000 now and receive $30,000 a year for five years. The discount rate is 10%, and I'm asked for the NPV and whether to invest.

Quick first thought: 5 x 30,000 = 150,000, minus 100,000 gives 50,000. Wait, no, that ignores discounting entirely, and discounting is the whole point of NPV. Let me redo it properly.

I recall that NPV is the sum of each cash flow divided by (1 + r)^t, minus the initial outlay. With r = 0.10:
- Year 1: 30,000 / 1.1 = 27,272.73
- Year 2: 30,000 / 1.21 = 24,793.39
- Year 3: 30,000 / 1.331 = 22,539.44
- Year 4: 30,000 / 1.4641 = 20,490.40
- Year 5: 30,000 / 1.61051 = 18,627.64

Sum: 27,272.73 + 24,793.39 = 52,066.12; + 22,539.44 = 74,605.56; + 20,490.40 = 95,095.96; + 18,627.64 = 113,723.60.

NPV = 113,723.60 - 100,000 = 13,723.60.

Let me verify with the annuity formula, since the payments are equal: the present value factor is (1 - 1.1^-5) / 0.1. 1.1^-5 = 0.62092, so (1 - 0.62092) / 0.1 = 3.7908. 30,000 x 3.7908 = 113,724. That checks out.

Ballpark too: the cash flows average about 0.76 of face value after discounting (a middle-year factor of around 0.75), 150,000 x 0.76 is about 114,000, so a positive NPV in the low teens of thousands is plausible.

So we have NPV of about $13,700, positive, meaning the project earns more than the 10% required return. The decision rule says accept when NPV > 0. Caveats worth one line: the forecast cash flows may be optimistic, and the choice of 10% matters; the internal rate of return here is somewhere around 15%, so there is a cushion.""",
        response="""Discounting each $30,000 at 10% gives a present value of 30,000 x 3.7908 = $113,724 for the five inflows, so the NPV is $113,724 - $100,000 = about $13,700. Because the NPV is positive, the project earns more than the 10% required return and the firm should invest, provided the cash-flow forecasts are reliable. NPV: about $13,700; yes, invest.""",
        final="About $13,700; yes",
        notes=dict(
            strategies=["restating_problem", "backtracking", "recalling_knowledge", "self_verification",
                        "estimation", "summarizing_progress"],
            verbosity=3, correct=True,
        ),
    ),
    dict(
        question_id="nts-191",
        reasoning="""Each pair of people is one channel, so the count is the number of pairs: n(n-1)/2. I remember this as the handshake formula.

Quick test with 3 people: A-B, A-C, B-C, three channels, and 3 x 2 / 2 = 3. Good.

Team of 6: 6 x 5 / 2 = 15.
Team of 12: 12 x 11 / 2 = 66.

Doubling the team multiplies channels by 66/15 = 4.4. Channels grow with the square of team size while people grow linearly, so communication overhead per person rises: in the team of 6 each person keeps up 5 links, in the team of 12 each keeps up 11. Implication: keep teams small, split large teams into sub-teams with clear interfaces, or route communication through leads. This is the reasoning behind Brooks's law in software (adding people to a late project makes it later, partly through this overhead) and the two-pizza team rule.""",
        response="""With every member talking to every other, the number of channels is n(n-1)/2: 6 x 5 / 2 = 15 for a team of 6 and 12 x 11 / 2 = 66 for a team of 12. Doubling the team more than quadruples the channels, because they grow roughly with the square of team size, so coordination costs climb quickly. Large groups work better when split into small sub-teams with defined links between them. Answer: 15 channels and 66 channels.""",
        final="15; 66",
        notes=dict(
            strategies=["recalling_knowledge", "testing_examples"],
            verbosity=1, correct=True,
        ),
    ),
    dict(
        question_id="nts-061",
        reasoning="""Okay, Herzberg's two-factor theory. I remember that Frederick Herzberg interviewed engineers and accountants in the late 1950s about times they felt especially good or especially bad about their jobs. The things that made them feel good were different from the things that made them feel bad, and that was the surprise. So satisfaction and dissatisfaction are not two ends of one scale; they are two separate scales.

The two groups of factors:
- Hygiene factors, sometimes called maintenance factors: pay, company policy and administration, supervision, working conditions, relationships with colleagues, job security. When these are poor, people are dissatisfied. When they are fixed, people are no longer dissatisfied, but they are not thereby motivated.
- Motivators: achievement, recognition, the work itself, responsibility, advancement, growth. These produce satisfaction and drive effort.

So the opposite of dissatisfaction is no dissatisfaction, and the opposite of satisfaction is no satisfaction.

Pay sits in the hygiene group. A pay rise removes a source of complaint, especially if people felt underpaid compared with others, but once the grievance is gone there is nothing in the pay itself that makes the work more meaningful. The effect also fades: the new salary becomes the normal one people expect.

This is like the plumbing in a house. Broken plumbing makes you miserable, and repairing it makes the misery go away, but nobody feels inspired because the pipes work. Or like the hygiene metaphor itself, which Herzberg took from medicine: clean water prevents disease but does not make you healthier than healthy.

Hmm, a fair point to add: pay can carry a motivator element when it is tied to achievement and recognition, as with a rise given visibly for outstanding work. Then it is the recognition that motivates, in Herzberg's terms, not the money as such.

Putting it together: a pay rise fixes a hygiene problem, reduces dissatisfaction, and leaves motivation unchanged unless the job also offers achievement, recognition, responsibility and interesting work.""",
        response="""Herzberg argued that job satisfaction and dissatisfaction arise from different sets of factors. Hygiene factors such as pay, working conditions, supervision and company policy cause dissatisfaction when they are inadequate, but improving them only brings people to a neutral point. Motivators such as achievement, recognition, the work itself, responsibility and advancement are what create satisfaction and effort. Because pay is a hygiene factor, a pay rise can remove a grievance and reduce dissatisfaction without making employees more motivated; motivation has to come from achievement, recognition and the work itself.""",
        final="Pay: a hygiene factor, not a motivator",
        notes=dict(
            strategies=["recalling_knowledge", "analogy", "summarizing_progress"],
            verbosity=4, correct=True,
        ),
    ),
    dict(
        question_id="nts-113",
        reasoning="""Okay, so a call centre gets on average 120 calls an hour, and each agent can handle 15 calls an hour. The question asks for the smallest number of agents for which the queue does not grow without limit, and then why more agents are needed to keep waiting times short.

Let me start by restating the quantities in queueing language. Arrival rate lambda = 120 calls per hour. Service rate per agent mu = 15 calls per hour, so an average call takes 60/15 = 4 minutes. With c agents, the total service capacity is 15c calls per hour.

The plan: first find the stability condition, then think about waiting times, and if I can, put numbers on the waiting times for a few staffing levels.

Stability. The workload offered is lambda / mu = 120 / 15 = 8. So on average 8 agents' worth of work arrives every hour; this is called the offered load, 8 Erlangs. With 8 agents the capacity is exactly 120 calls an hour, equal to the arrivals. So the answer is 8 agents?

Hmm, wait. That's not quite right, and I think this is exactly the trap in the question. With 8 agents, utilisation rho = lambda / (c mu) = 120 / 120 = 1. Every agent would have to be busy 100% of the time just to keep up on average. But arrivals are random. Some minutes get more calls, some fewer. When fewer calls arrive, agents sit idle, and that idle capacity is lost forever; you cannot bank it for later. When more calls arrive, a backlog builds. Since on average there is no spare capacity at all to work off the backlog, the backlog wanders upward with no pull back to zero. I recall that for queues with random arrivals, a utilisation of exactly 1 is unstable: the queue length does not settle to any steady distribution; it drifts and the expected wait grows without bound over time. So the condition for stability is strict: rho < 1, that is, 15c > 120, c > 8.

So the smallest number is 9 agents. With 9 agents the capacity is 135 calls an hour, utilisation 120/135 = 0.889, about 89%.

Let me double-check the direction of the inequality with a small case. Imagine one cashier who can serve exactly 60 customers an hour and customers arriving at exactly one a minute on average but at random times. Sometimes two arrive in the same minute and one waits. The cashier cannot serve the second one faster to catch up, because that is already the maximum rate; and the minutes when nobody comes are wasted. So delays accumulate and never fully clear. Yes, utilisation 1 is not enough. Only if arrivals were perfectly regular, one exactly every minute, would 100% utilisation work with no queue, and real calls are nothing like that.

Now the second part: why more than 9 agents to keep waiting times short. At 89% utilisation the queue is stable, but stable does not mean short. I remember that in queueing theory the waiting time rises steeply, in fact like 1/(1 - rho), as utilisation approaches 1. For a single-server queue with random arrivals and service (M/M/1), the mean wait in the queue is rho/(1 - rho) times the service time. At rho = 0.5 that is 1 service time; at 0.8 it is 4; at 0.9 it is 9; at 0.95 it is 19. So the last few percent of utilisation are extremely expensive in waiting time.

For multiple agents the formula is Erlang C, which I think is the right model here: Poisson arrivals, exponential service times, c agents, callers wait in a single queue. Let me see if I can actually compute it for c = 9 and c = 10, because numbers would make the answer more convincing.

Erlang C: the probability that an arriving caller must wait is
P(wait) = [a^c / c! x c / (c - a)] / [sum from k = 0 to c-1 of a^k / k! + a^c / c! x c / (c - a)],
where a = lambda / mu = 8. Then the mean wait in queue is W_q = P(wait) / (c mu - lambda).

I need the terms a^k / k! for a = 8:
- k = 0: 1
- k = 1: 8
- k = 2: 64 / 2 = 32
- k = 3: 512 / 6 = 85.333
- k = 4: previous x 8/4 = 170.667
- k = 5: x 8/5 = 273.067
- k = 6: x 8/6 = 364.089
- k = 7: x 8/7 = 416.102
- k = 8: x 8/8 = 416.102
- k = 9: x 8/9 = 369.868
- k = 10: x 8/10 = 295.894

Let me check k = 5 directly: 8^5 = 32,768 and 5! = 120, 32,768 / 120 = 273.07. Good. And k = 7: 8^7 = 2,097,152, 7! = 5,040, ratio 416.10. Good.

Sum for k = 0 to 8 (needed for c = 9): 1 + 8 = 9; + 32 = 41; + 85.333 = 126.333; + 170.667 = 297.0; + 273.067 = 570.067; + 364.089 = 934.156; + 416.102 = 1,350.258; + 416.102 = 1,766.36.

Case 1: c = 9. The top term is 369.868 x 9 / (9 - 8) = 3,328.81. P(wait) = 3,328.81 / (1,766.36 + 3,328.81) = 3,328.81 / 5,095.17 = 0.653. So about 65% of callers have to wait at all. W_q = 0.653 / (135 - 120) hours = 0.653 / 15 = 0.0435 hours, which is 2.6 minutes on average. Average, mind you; with 65% waiting, those who wait average 2.6 / 0.653 = 4 minutes, and some wait much longer.

Case 2: c = 10. The sum for k = 0 to 9 is 1,766.36 + 369.868 = 2,136.23. Top term: 295.894 x 10 / (10 - 8) = 1,479.47. P(wait) = 1,479.47 / (2,136.23 + 1,479.47) = 1,479.47 / 3,615.70 = 0.409. W_q = 0.409 / (150 - 120) hours = 0.01364 hours = 0.82 minutes.

So we have: 9 agents, 65% wait, mean wait 2.6 minutes; 10 agents, 41% wait, mean wait under 50 seconds. One extra agent cut the average wait by about a factor of three. I'd expect 11 agents to bring it to around 20 seconds, roughly. Actually, let me just compute it, since I have the terms.

Case 3: c = 11. I need one more term: k = 11 is 295.894 x 8/11 = 215.196. The sum for k = 0 to 10 is 2,136.23 + 295.894 = 2,432.12. Top term: 215.196 x 11 / (11 - 8) = 215.196 x 3.667 = 789.05. P(wait) = 789.05 / (2,432.12 + 789.05) = 789.05 / 3,221.17 = 0.245. W_q = 0.245 / (165 - 120) hours = 0.245 / 45 = 0.00544 hours, which is 0.33 minutes, about 20 seconds. So my guess was right.

Let me lay the three cases side by side:
- 9 agents: utilisation 89%, 65% of callers wait, mean wait 2.6 minutes.
- 10 agents: utilisation 80%, 41% wait, mean wait 0.8 minutes.
- 11 agents: utilisation 73%, 25% wait, mean wait 0.3 minutes.

Each extra agent costs the same, one salary, but the first extra one above the minimum buys far more waiting-time reduction than the next. That diminishing return is the trade-off management actually has to make: the cost of agents against the cost of customers waiting or hanging up. Somewhere around 10 or 11 agents is where most centres with a 4-minute call would land, depending on their service target.

Sanity check on these numbers: with 9 agents the mean wait of 2.6 minutes compared with a 4-minute call seems plausible for 89% utilisation with nine servers; multi-server systems wait less than a single server at the same utilisation because the pooled queue is served by whichever agent frees up first. For a single server at rho = 0.889, the M/M/1 wait would be 0.889/0.111 x 4 minutes, about 32 minutes, way more. So pooling across 9 agents helps enormously, and the Erlang C answer being an order of magnitude smaller is consistent with that.

Hmm, let me reconsider whether the question wants Erlang C at all. It says why more agents are needed, not how many, so the conceptual explanation is the core, and the numbers are a bonus. The conceptual points:

1. Randomness of arrivals: calls come in bursts. Capacity that sits idle during lulls cannot be used during bursts. Spare capacity is what clears the bursts.
2. Variability of call length: some calls take 1 minute, some 15. Even at a fixed arrival rate, long calls tie up agents.
3. Nonlinearity: waiting time rises like 1/(1 - rho); going from 89% to 80% utilisation cuts waits a lot.
4. Within-day peaks: 120 an hour is an average; Monday mornings might be 180 an hour. Staffing to the average fails at peaks. So staffing is done per half-hour interval using forecasts.
5. Agents are not available 100% of their paid time: breaks, training, after-call work (wrap-up), sick leave. Call centres call this shrinkage, often around 30%. So to have 10 agents on the phones you might need 13 or 14 scheduled.
6. Service level targets: many centres aim for something like 80% of calls answered within 20 seconds. That needs utilisation well below 90%, here probably 11 agents or so.
7. Abandonment: if waits are long, callers hang up, which feels like it reduces the load but actually means lost customers and repeat calls.

Another way to see it is by analogy with road traffic: a motorway running at 95% of its capacity is a traffic jam waiting to happen, because any small disturbance has no slack to absorb it, while the same road at 70% flows freely. Queues in call centres behave the same way.

Let me recap before writing the answer:
- Stability requires capacity strictly greater than the arrival rate: 15c > 120, so c >= 9.
- 8 agents would be fully utilised (rho = 1): with random arrivals the queue would drift upward without limit.
- With 9 agents, utilisation is 89%, stable, but about 65% of callers wait and the mean wait is about 2.6 minutes.
- With 10 agents, waits fall to under a minute on average; the relationship is strongly nonlinear.
- Real centres need more still because of peaks, variable call lengths, shrinkage and service-level targets.

One more check on the first part, since it is the one with a definite answer. Could the intended answer be 8 with a strict reading of 'does not grow without limit'? If the arrivals and call lengths were perfectly regular, 8 agents would exactly keep up. But the question itself hints that waiting time is a concern, which only makes sense with randomness, and with randomness rho = 1 is unstable. So 9 it is, with 8 fully utilised as the boundary case.""",
        response="""The offered load is 120 / 15 = 8 agents' worth of work, so 8 agents would be 100% utilised; with random arrivals, any burst then builds a backlog that can never be worked off, and the queue drifts upward without limit. The smallest stable number is therefore 9 agents (capacity 135 calls an hour, about 89% utilisation). Even so, waiting time rises steeply as utilisation approaches 100%: by the Erlang C model, with 9 agents about 65% of callers wait, on average about 2.6 minutes, while with 10 agents the average wait falls below a minute. Because calls arrive in bursts, vary in length, peak at certain times of day, and agents need breaks and wrap-up time, centres staff well above the minimum. Answer: 9 agents (8 would be fully utilised), with more needed for short waits.""",
        final="9 agents (8 would be fully utilised)",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "backtracking", "recalling_knowledge",
                        "self_verification", "testing_examples", "case_analysis", "estimation", "analogy",
                        "summarizing_progress", "exploring_alternatives"],
            verbosity=5, correct=True,
        ),
    ),
    # ---------------------------------------------------------------- Literature and Arts
    dict(
        question_id="nts-062",
        reasoning="""Okay, so an octave is a doubling of frequency, A4 = 440 Hz, and I need A5, A3 and the semitone ratio in equal temperament.

First step: octaves. A5 is one octave above A4, so 2 x 440 = 880 Hz. A3 is one octave below, so 440 / 2 = 220 Hz.

Next, I need the semitone ratio. Equal temperament divides the octave into 12 semitones, all with the same frequency ratio r. Twelve steps must multiply up to one octave: r^12 = 2, so r = 2^(1/12).

Now the number. I know that 2^(1/12) is about 1.0595. Let me verify rather than trust memory: ln 2 = 0.6931, divided by 12 is 0.05776, and e^0.05776 is about 1 + 0.05776 + 0.00167 + 0.00003 = 1.05946. Yes, 1.0595.

Rough check the other way: 1.0595^12. 1.0595^2 = 1.1225, ^4 = 1.2601, ^8 = 1.5878, and ^12 = 1.5878 x 1.2601 = 2.0008. Close enough to 2; the tiny excess is because 1.0595 is rounded up slightly.

Let me test it on a real note to be sure the ratio makes sense: A#4 should be 440 x 1.0595 = 466.2 Hz, which matches the usual table value of 466.16 Hz. And seven semitones up, E5, would be 440 x 2^(7/12) = 440 x 1.4983 = 659.3 Hz, slightly flat of a pure fifth (660 Hz), which is the known compromise of equal temperament.""",
        response="""Since an octave doubles the frequency, A5 = 2 x 440 = 880 Hz and A3 = 440 / 2 = 220 Hz. Equal temperament splits the octave into 12 equal ratios, so the semitone ratio r satisfies r^12 = 2, giving r = 2^(1/12) ≈ 1.0595 (for example A#4 ≈ 466.2 Hz). Answer: A5 = 880 Hz, A3 = 220 Hz, and adjacent semitones differ by a factor of 2^(1/12) ≈ 1.0595.""",
        final="880 Hz and 220 Hz; 2^(1/12) ≈ 1.0595",
        notes=dict(
            strategies=["subgoal_setting", "recalling_knowledge", "self_verification", "estimation",
                        "testing_examples"],
            verbosity=1, correct=True,
        ),
    ),
    dict(
        question_id="nts-101",
        reasoning="""Okay, so the question asks me to identify the metre of 'Shall I compare thee to a summer's day?', the opening of Shakespeare's Sonnet 18, and show how it scans.

I remember that Shakespeare's sonnets are written in iambic pentameter: five feet, each an iamb, unstressed then stressed, ten syllables. But I should actually scan the line rather than just assert it.

Syllables first: Shall (1) I (2) com (3) pare (4) thee (5) to (6) a (7) sum (8) mer's (9) day (10). Ten syllables. Good, that fits pentameter.

Now stresses. Splitting into pairs:
shall I / com PARE / thee TO / a SUM / mer's DAY

Hmm, wait. Is 'shall I' really unstressed-stressed? If I say the line naturally, as a question, I might put weight on 'Shall', like SHALL i compare... That would make the first foot a trochee, stressed-unstressed, which is a very common variation at the start of an iambic line, a trochaic inversion. Let me think again.

In natural speech, 'Shall I' as a question: the pronoun 'I' often gets the stress because the speaker is asking about himself, shall I, as opposed to someone else. And compare carries its stress on the second syllable, com-PARE, which is fixed by the word itself. Summer is SUM-mer, also fixed. Day at the end of the line naturally carries weight.

So the fixed points are: com-PARE (syllable 4 stressed), SUM (8 stressed), mer's (9 unstressed), DAY (10 stressed). That already forces an alternating pattern in the second half. For syllables 5-6, 'thee to': 'to' is a preposition, normally light. Wait, that's not right for a perfect iamb: the pattern needs syllable 6 stressed. This is a place where metrical stress and speech stress differ a bit: 'to' takes a light metrical beat (a promoted stress), while 'thee' is slightly demoted. That's normal; iambic pentameter is a pattern the line leans on, not a rule that every stressed position is heavy.

So the scansion:
shall I | com PARE | thee TO | a SUM | mer's DAY
x / | x / | x / | x / | x /

Alternatively the first foot could be read as a trochee (SHALL i), but that's a performance choice; the regular iambic reading works and most scansions give it. I'm not certain which reading an examiner prefers, so I'll mention both but call it regular iambic pentameter.

Let me double-check the count of feet: shall-I, com-pare, thee-to, a-sum, mer's-day. Five iambs. Iambic pentameter.""",
        response="""The line is in iambic pentameter: ten syllables forming five iambs, each an unstressed syllable followed by a stressed one. It scans as shall I | com-PARE | thee TO | a SUM | mer's DAY (x / | x / | x / | x / | x /). The word stresses of com-PARE and SUM-mer fix the rising pattern, and the light preposition 'to' takes a metrical beat; a reader may also stress 'Shall' as an opening inversion, but the regular reading is iambic. Answer: iambic pentameter, five unstressed-stressed feet.""",
        final="Iambic pentameter: five unstressed-stressed feet",
        notes=dict(
            strategies=["restating_problem", "recalling_knowledge", "backtracking", "exploring_alternatives",
                        "expressing_uncertainty", "self_verification"],
            verbosity=5, correct=True,
        ),
    ),
    dict(
        question_id="nts-140",
        reasoning="""Low angle: camera below the character's eye line, looking up. The character fills more of the frame against ceiling or sky, looms over the viewer, and the viewer is placed in the position of someone smaller. Effect: the character reads as powerful, dominant, heroic or threatening. Classic uses: Orson Welles shooting Kane from floor level in Citizen Kane; superhero films; villains towering over a victim.

Two cases for the opposite, the high angle looking down:
- On a character: makes them look small, weak, vulnerable, trapped or isolated, because the viewer looks down on them and the ground surrounds them.
- As a point of view: it can show whose perspective we share, e.g. a looming figure looking down at a child, which also tells us who holds power.

The effect depends on context, so it is a tendency, not a rule: a low angle on a mundane figure can be comic or ironic.""",
        response="""A low camera angle looks up at the character, making them appear larger, dominant and powerful, sometimes heroic and sometimes menacing, because the audience is placed below them. The opposite, a high angle looking down, tends to make a character seem small, weak, vulnerable or isolated, and can also show the viewpoint of someone who has power over them. These are conventions that context can modify. Answer: a low angle makes the character look powerful; a high angle makes them look small or vulnerable.""",
        final="Low angle: powerful; high angle: small or vulnerable",
        notes=dict(
            strategies=["case_analysis"],
            verbosity=0, correct=True,
        ),
    ),
    dict(
        question_id="nts-166",
        reasoning="""Okay, so the question is asking why Gothic cathedrals used flying buttresses and how they allowed much bigger stained-glass windows than Romanesque churches. So two parts, the why of the buttresses and the link to the windows. Let me think about this.

I remember that the main problem with any big stone church is the roof, or actually the vault. A stone vault, an arched ceiling made of stone, pushes not only down but also outwards on the walls that hold it up. That's just how arches work: an arch wants to spread at its base. So the walls need to resist that sideways push, which is called the thrust, the lateral thrust.

In Romanesque churches, I think, the solution was thick walls. Very thick, massive walls with small windows, because every opening you cut into a wall weakens it, and the wall is what is holding the vault up against the thrust. Barrel vaults, the long tunnel-like vaults, push outward along the whole length of the wall, so the whole wall has to be strong. So Romanesque churches are dark, heavy, with small round-arched windows. Yes, that's the usual picture: Romanesque is massive and dim.

Then the Gothic builders, starting around the mid-twelfth century, Abbot Suger at Saint-Denis I believe is the usual starting point, combined several things: pointed arches, ribbed vaults and flying buttresses. Hmm, wait, let me make sure I'm not mixing up what each element did. Let me go through them.

The ribbed vault: rather than a continuous barrel vault, the ceiling is divided into bays by stone ribs, and the weight and thrust are collected along the ribs and brought down to specific points, the piers or columns at the corners of each bay. So the load is concentrated at points rather than spread along the whole wall. That's crucial, I think, because it means the wall between those points is not doing much structural work anymore.

The pointed arch: a pointed arch pushes outward less than a round arch of the same span, it directs more of the force downward. Also it lets you vary the height independently of the span, which is useful for vaulting bays that are not square. So the thrust is reduced, but not eliminated.

And then the flying buttress: the remaining thrust, concentrated at those points high up where the vault ribs spring, has to be carried somewhere. A flying buttress is an arch, or a half arch, that leaps over the side aisle from the upper wall of the nave to a massive pier, the buttress pier, standing outside the building. So the outward thrust is carried across, away from the wall, and down into the ground through the outer pier. The word flying refers to the fact that it is an open arch, flying through the air, rather than a solid mass of masonry attached to the wall.

So, to put it together so far: ribbed vaults concentrate the thrust at points, pointed arches reduce it, and flying buttresses carry what remains away from the wall to outer piers. Then the wall of the nave between the piers is no longer needed for support. It becomes, in effect, a screen, a curtain. And a curtain wall can be opened up. That's where the huge windows come in: the walls between the piers could be filled almost entirely with glass, tracery and stained glass. Sainte-Chapelle in Paris is almost all glass, it looks like a cage of glass. Chartres has those enormous windows and the rose windows.

Hmm, is it right to say flying buttresses are what allowed the windows? I think it's more accurate to say that the whole system did it. Without the flying buttresses, the clerestory, the upper windows of the nave above the aisle roofs, would have to be thick wall to resist the thrust of the high vault. The side aisles are lower, so there's a gap between the top of the aisle roof and the vault, and that's exactly where the flying buttress goes, over the aisle roof. So the flying buttress is what made the tall clerestory windows possible, specifically. The lower aisle windows could be opened up by ordinary buttresses attached to the outer walls. So yes, flying buttresses are the key to the high windows, the clerestory, and the system as a whole to the glass everywhere.

This is like a tent, perhaps: the tent fabric is not structural; the poles and the guy ropes take the loads, and the ropes pull outward to the pegs in the ground. The flying buttress is a bit like a guy rope in reverse, pushing rather than pulling, but the idea of moving the force outside the envelope is the same. Or like a modern skyscraper with a steel frame and glass curtain walls: the frame carries the load, the wall is just a skin. I think the skyscraper comparison is often made.

Let me also think about why they wanted bigger windows at all. I'm not sure if the question wants this, but it seems relevant to the why. Light had a theological meaning for the Gothic builders: Abbot Suger wrote about divine light, light as a manifestation of God, and the coloured light of stained glass was seen as transforming the space. And the windows also taught stories, Bible stories, saints' lives, to a congregation many of whom could not read. So there was a strong motivation to get more light and more glass, and the structure was developed to serve that. Also height: reaching upward toward heaven, and the buttresses allowed taller naves, like Amiens or Beauvais. Beauvais actually partly collapsed in 1284, I think, because they pushed the height too far, which shows the buttressing was really carrying critical loads.

So overall the answer is: flying buttresses transfer the outward thrust of the high stone vaults across the aisles to outer piers; combined with ribbed vaults and pointed arches, which concentrate and reduce that thrust, this meant the walls between the supports no longer had to be thick load-bearing masonry. The walls could therefore be opened up into large windows filled with stained glass, unlike Romanesque churches whose thick walls, needed to resist the thrust of barrel vaults, could only have small openings. I keep coming back to the same point, so I think that's it: the thrust goes outside, the wall is freed, the wall becomes glass.""",
        response="""Stone vaults push outward as well as down, and Romanesque churches resisted this thrust with thick, continuous walls that could only have small windows. Gothic builders concentrated the thrust at points with ribbed vaults, reduced it with pointed arches, and used flying buttresses, open half-arches springing over the side aisles, to carry the remaining outward push from the upper nave walls to heavy piers outside the building. Because the walls between the supports no longer bore the load, they could be opened up into tall clerestory windows and great expanses of stained glass, as at Chartres or Sainte-Chapelle. In short, flying buttresses carry the outward thrust of the vaults away from the walls, so the walls need not be thick and can be filled with windows.""",
        final="They carry the vaults' thrust off the walls, freeing them for windows",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "recalling_knowledge",
                        "expressing_uncertainty", "summarizing_progress", "analogy", "self_verification"],
            verbosity=8, correct=True,
        ),
    ),
    # ---------------------------------------------------------------- Agronomy
    dict(
        question_id="nts-089",
        reasoning="""5 mm of water over an area means a layer 5 mm deep. I know that 1 mm on 1 square metre is 1 litre (0.001 m x 1 m2 = 0.001 m3).

One hectare = 10,000 m2, so 5 mm = 5 x 10,000 = 50,000 litres.

Delivery rate: 2,500 emitters x 2 L/h = 5,000 L/h.

Time = 50,000 / 5,000 = 10 hours.

Let me check it in cubic metres instead: 0.005 m x 10,000 m2 = 50 m3 = 50,000 L, and 10 h x 5 m3/h = 50 m3. Consistent. Per plant that is 20 litres over the run, i.e. each plant's share of the area is 4 m2 (10,000 / 2,500), and 4 m2 x 5 mm = 20 L. Also consistent. This assumes all emitters run at their rated flow and nothing is lost; in practice the runtime is adjusted for emission uniformity and evaporation.""",
        response="""A 5 mm layer over one hectare is 0.005 m x 10,000 m2 = 50 m3, or 50,000 litres. The system delivers 2,500 x 2 = 5,000 litres per hour, so it must run 50,000 / 5,000 = 10 hours. Answer: 10 hours.""",
        final="10 hours",
        notes=dict(
            strategies=["recalling_knowledge", "self_verification"],
            verbosity=0, correct=True,
        ),
    ),
    dict(
        question_id="nts-115",
        reasoning="""Okay, so a dairy cow gives 25 litres of milk a day for a 305-day lactation. The milk is 4% fat by mass, and a litre of milk weighs 1.03 kg. I need the kilograms of milk fat over the whole lactation.

The question specifies fat by mass, which is why the density is given. So the plan: total litres, then total mass, then 4% of the mass.

Total volume: 25 x 305. 25 x 300 = 7,500 and 25 x 5 = 125, so 7,625 litres.

Fat: 4% of 7,625 = 305 kg.

Hmm, wait, that's not right, or at least not what the question wants: I just took 4% of litres, but the percentage is by mass, so I have to convert to kilograms first. It's a small difference, 3%, but it is the point of giving 1.03 kg per litre. Let me redo it.

Mass of milk: 7,625 x 1.03 = 7,625 + 7,625 x 0.03 = 7,625 + 228.75 = 7,853.75 kg.

Fat: 0.04 x 7,853.75 = 314.15 kg.

Let me double-check by another route, per day: 25 L x 1.03 = 25.75 kg of milk a day, and 4% of that is 1.03 kg of fat a day. Interesting, the same number as the density, because 25 x 0.04 = 1. Then 1.03 x 305 = 314.15 kg. Same answer.

As a rough check, 7,600 litres is a typical lactation for a good dairy cow, maybe on the lower side for a top Holstein herd, and a bit over 300 kg of fat is a realistic figure for 4% milk. I'm fairly confident. Real cows don't give a flat 25 L a day, since yield rises to a peak a few weeks after calving and then declines, but the question gives an average, so that doesn't matter here.

So we have 7,625 L, 7,853.75 kg of milk, 314 kg of fat.""",
        response="""Over the lactation the cow gives 25 x 305 = 7,625 litres, which weighs 7,625 x 1.03 = 7,853.75 kg. Since the milk is 4% fat by mass, the fat produced is 0.04 x 7,853.75 = 314.15 kg (equivalently 1.03 kg of fat a day for 305 days). Answer: about 314 kg of milk fat.""",
        final="About 314 kg",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "backtracking", "self_verification",
                        "estimation", "summarizing_progress"],
            verbosity=4, correct=True,
        ),
    ),
    dict(
        question_id="nts-154",
        reasoning="""Okay, so the target is 300,000 plants per hectare. Seeds germinate at 85%, and then 10% of the germinated seeds fail to emerge. How many seeds to sow?

Working backwards from the target stand: the plants that stand in the field are the seeds sown times the fraction that both germinate and emerge.

Germination is 85%. Then a further 10% is lost, so the fraction that makes it is 85% - 10% = 75%.

Seeds needed = 300,000 / 0.75 = 400,000.

Let me check: 400,000 seeds x 0.75 = 300,000 plants. Yes.

Per 100 seeds, that means 25 are lost somewhere between the bag and the stand, 15 never germinating and 10 failing to come up. So the seeding rate is 400,000 seeds per hectare. In practice a grower might add a small safety margin for bird damage or uneven drilling, but on the stated figures 400,000 is the answer.""",
        response="""With 85% germination and a further 10% loss, 75% of the seeds sown become established plants. To reach 300,000 plants per hectare the grower must sow 300,000 / 0.75 = 400,000 seeds per hectare. Answer: 400,000 seeds per hectare.""",
        final="400,000",
        notes=dict(
            strategies=["working_backwards", "self_verification"],
            verbosity=1, correct=False,
        ),
    ),
    dict(
        question_id="nts-193",
        reasoning="""Okay, so a farmer can sell maize now at $180 per tonne, or store it for four months expecting $205 per tonne. Storage costs $3 per tonne per month, and 2% of the grain is expected to be lost. Ignoring interest, is storing worthwhile?

Let me restate what I'm comparing: the money from one tonne of maize today versus the money from the same tonne after four months of storage. To compare like with like, I should work per tonne put into store.

Let me break it down into three pieces: the loss of grain, the storage cost, and the later price.

Sell now: 1 tonne x $180 = $180.

Store: after four months, 2% is lost, so 0.98 tonnes remain. Sold at $205: 0.98 x 205 = 205 - 4.10 = $200.90.
Storage cost: $3 x 4 months = $12 per tonne. Hmm, per tonne of what, the tonne put in or the grain remaining? I'm not sure the question says. It's natural to charge storage on the tonne put in, since the store is full from the start and the losses happen gradually. So $12.

Net from storing: 200.90 - 12 = $188.90.

Compare: 188.90 vs 180. Storing is better by $8.90 per tonne stored.

Let me double-check the loss: 2% of 205 is 4.10. Yes. And 205 - 4.10 = 200.90. Right.

Alternatively, if storage were charged only on the grain remaining, at the end 0.98 tonnes x $12 = $11.76, giving 200.90 - 11.76 = 189.14. The difference is tiny, a quarter of a dollar, so the conclusion doesn't depend on that choice. Two cases, same answer.

Working backwards from break-even: what sale price after four months would make storing no better than selling now? We need 0.98 P - 12 = 180, so P = 192 / 0.98 = 195.92. So the price only needs to rise above about $196 for storage to pay. The expected price of $205 is $9 above that, about a 5% cushion.

Hmm, and that's an important caveat: the $205 is an expectation, not a contract. Prices could fall short. If the farmer is risk-averse or needs cash now, the $8.90 might not be worth the risk. Also, the question says ignore interest, but in reality $180 received today could earn interest or pay off a loan; at 10% a year, four months of interest on $180 would be about $6, which would eat most of the gain. Another risk: losses greater than 2% if the store has pests or moisture problems, aflatoxin and so on.

Quick estimate of sensitivity to losses: each extra 1% lost costs about $2.05 per tonne, so losses would need to reach about 6% (4 percentage points more, about $8.20, plus a bit) before storing stops paying.

To sum up: ignoring interest, storing yields $188.90 per tonne stored against $180 now, about $9 better, with break-even at about $196 per tonne.""",
        response="""Selling now yields $180 per tonne. Storing loses 2% of the grain, so 0.98 tonnes sell for 0.98 x $205 = $200.90, minus storage of 4 x $3 = $12, leaving $188.90 per tonne stored. Storing is therefore worthwhile by about $8.90 per tonne, and it stays worthwhile as long as the later price exceeds about $196, although the expected price is not guaranteed and interest (ignored here) would narrow the gain. Answer: yes, storing is better by about $9 per tonne ($188.90 versus $180).""",
        final="Yes, by about $9 per tonne stored ($188.90 versus $180)",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "expressing_uncertainty", "self_verification",
                        "exploring_alternatives", "case_analysis", "working_backwards", "estimation",
                        "summarizing_progress"],
            verbosity=4, correct=True,
        ),
    ),
    # ---------------------------------------------------------------- Sociology
    dict(
        question_id="nts-129",
        reasoning="""Okay, so we start with a community of 1,000 people, 30% over 65. Over a decade: 150 over-65s die or move away, 100 residents turn 65, and 200 young families of four move in. No other changes. What share is over 65 at the end?

The problem says no other changes, so I just track two things: the over-65 count and the total population. Let me do them one at a time.

Over-65 count:
Start: 30% of 1,000 = 300.
Minus 150 who die or leave: 150.
Plus 100 who turn 65: 250.
The new families are young, so none of them are over 65. So 250.

Total population:
Start: 1,000.
Minus 150 who die or leave: 850.
Plus the 100 who turn 65: 950.
Plus 200 families x 4 people = 800: 1,750.

Share: 250 / 1,750. 1,750 / 7 = 250, so this is exactly 1/7 = 0.1429, about 14.3%.

Let me double-check the family arithmetic, since that's the easy one to get wrong: 200 families of four people each is 800 people, not 200. Yes, 800.

And the over-65 side: 300 - 150 + 100 = 250. Yes.

So the share roughly halves, from 30% to about 14%. That makes sense: the older group shrank a bit while the population grew by three quarters, so the over-65 share should fall a lot. The big driver is the influx of 800 young people.""",
        response="""The over-65 group goes from 300 to 300 - 150 + 100 = 250 people. The population goes from 1,000 to 1,000 - 150 + 100 + 800 = 1,750, since the 200 young families add 800 people. The share over 65 is then 250 / 1,750 = 1/7, about 14%, less than half the original 30%. Answer: about 14% of the population is over 65.""",
        final="About 14% (250 of 1,750)",
        notes=dict(
            strategies=["restating_problem", "subgoal_setting", "self_verification", "estimation"],
            verbosity=3, correct=False,
        ),
    ),
    dict(
        question_id="nts-103",
        reasoning="""Okay, the Gini coefficient rises from 0.30 to 0.40 over twenty years. What does it indicate, and what social consequences might follow?

Let me recall what the Gini coefficient measures. It's based on the Lorenz curve: line up everyone from poorest to richest, plot the cumulative share of income against the cumulative share of the population. Perfect equality is the 45-degree line. The Gini coefficient is defined as the area between the line of equality and the Lorenz curve, divided by the whole area under the line of equality. So 0 means everyone has the same income, and 1 means one person has everything.

So a rise from 0.30 to 0.40 means income inequality has increased, and by quite a lot. For scale, I think 0.30 is roughly where the Nordic countries or Germany sit for disposable income, and 0.40 is more like the United States. I'm not sure about the exact figures, and it matters whether it's income before or after taxes and transfers, but the move is from a fairly equal society to a fairly unequal one. Ten Gini points in twenty years is a big shift; most countries' Gini moves slowly.

Let me test my understanding with a tiny example. Two people, incomes 50 and 50: Gini 0. Incomes 0 and 100: with two people that is the maximum, and the Gini comes out at 0.5, since for n people the maximum is 1 - 1/n. Hmm, that's a bit of a distraction. The point is that the Gini is a summary number; the same rise could come from different changes.

Two possibilities, really:
- The top pulling away: incomes at the top growing much faster than the rest, e.g. from finance, technology, returns on capital.
- The bottom falling behind: unemployment, declining industries, weaker welfare support.
Or both. The Gini alone doesn't tell which, and it doesn't say whether the poor got poorer in absolute terms; everyone could be richer while inequality rises. So I should be careful to say what it does not indicate as well.

Now the consequences. Sociologists and economists link higher inequality with:
1. Reduced social mobility. The Great Gatsby curve, Alan Krueger's name for it, shows that countries with higher inequality tend to have lower intergenerational mobility: the rungs of the ladder are further apart, and richer parents can buy advantages for their children.
2. Health and social problems. Wilkinson and Pickett, The Spirit Level, argued that more unequal rich countries have worse outcomes on life expectancy, mental illness, obesity, teenage births, imprisonment. Their causal claims are debated, though.
3. Lower social trust and cohesion; more status anxiety.
4. Crime, especially property and violent crime, is associated with inequality in cross-national studies.
5. Political consequences: polarisation, populism, perceived unfairness, and the risk that the rich gain disproportionate political influence.
6. Residential segregation: rich and poor living in separate neighbourhoods with different schools.

To summarize: the rise means incomes are distributed much more unequally than before, and likely consequences are weaker mobility, lower trust, more health and social problems, and political strain, though which of these appear depends on the causes and on policy responses.""",
        response="""The Gini coefficient measures how far the income distribution departs from perfect equality (0) toward one person holding everything (1), so a rise from 0.30 to 0.40 means income inequality has increased substantially, roughly a move from a Nordic-like level to a level like that of the United States. It does not by itself say whether the top pulled away or the bottom fell behind, or whether the poor became poorer in absolute terms. Possible social consequences include reduced social mobility, lower social trust, worse health and social outcomes, higher crime, residential segregation and political polarisation. In short, the rise indicates that income inequality has increased.""",
        final="Income inequality has increased",
        notes=dict(
            strategies=["recalling_knowledge", "estimation", "expressing_uncertainty", "testing_examples",
                        "case_analysis", "summarizing_progress"],
            verbosity=6, correct=True,
        ),
    ),
    dict(
        question_id="nts-194",
        reasoning="""Okay, the bystander effect. I need to explain what it is, then the mechanism by which more witnesses reduce the chance that any one helps.

I remember that the classic research is by John Darley and Bibb Latane in the late 1960s, prompted by the 1964 murder of Kitty Genovese in New York, where newspaper reports claimed 38 neighbours saw or heard the attack and nobody intervened. Those reports were later shown to be exaggerated, but the research stands. In their seizure experiment, participants who believed they were the only person hearing someone have a seizure over an intercom helped far more often and faster than those who believed four others were listening too.

The mechanisms:
- Diffusion of responsibility: with many witnesses, each person feels only a fraction of the responsibility. Someone else will do it, or has already called.
- Pluralistic ignorance: in an ambiguous situation, people look at others for cues. Everyone looks calm because everyone is hiding their uncertainty, so each concludes it isn't an emergency. Their smoke-filled room study showed this.
- Audience inhibition, or evaluation apprehension: fear of looking foolish if you misread the situation.

Darley and Latane also described a five-step decision model: notice the event, interpret it as an emergency, accept responsibility, know how to help, decide to help. More bystanders interfere mainly at the interpretation and responsibility steps.

Note the group can still be more likely to produce one helper in total than a lone witness in some situations; the effect is about each individual's likelihood. The practical advice: single out one person, you in the blue coat, call an ambulance, which cuts through the diffusion.""",
        response="""The bystander effect is the finding, from Darley and Latane's experiments in the 1960s, that individuals are less likely to help a person in trouble when other witnesses are present. The main cause is diffusion of responsibility: each onlooker feels only a share of the duty to act and assumes someone else will. Pluralistic ignorance, where everyone reads the others' calm as a sign that nothing is wrong, and fear of embarrassment add to it. Singling out one person to help counters the effect. The key mechanism is diffusion of responsibility among the onlookers.""",
        final="Diffusion of responsibility among the onlookers",
        notes=dict(
            strategies=["recalling_knowledge"],
            verbosity=2, correct=True,
        ),
    ),
    dict(
        question_id="nts-207",
        reasoning="""Okay, total fertility rate falling from 4.0 to 1.5 children per woman in forty years. What does that imply for the age structure and the future workforce?

I remember that replacement-level fertility is about 2.1 children per woman in countries with low mortality: 2 to replace the parents, plus a little for children who die before reproducing and because slightly more boys than girls are born. So 4.0 is well above replacement and 1.5 is well below it. Each generation at 1.5 is roughly 1.5 / 2.1, about 70%, the size of its parents' generation, in the long run.

Let me split the consequences by time horizon and take each case in turn, because they are not all in the same direction.

Phase 1, during and soon after the decline: fewer children are born each year, but the large cohorts born when fertility was 4.0 are moving into working age. So the share of working-age people rises and the child dependency ratio falls. This is the demographic dividend: lots of workers, few dependants, potentially fast growth if there are jobs and investment. The population also keeps growing for a while through population momentum, because there are so many women of childbearing age from the earlier high-fertility years.

Phase 2, two to four decades on: the small post-decline cohorts start entering the labour force, so the number of young workers begins to shrink. Meanwhile the big cohorts move towards retirement. The population pyramid turns into something like a column, then a top-heavy shape.

Phase 3, long run: the old-age dependency ratio rises sharply, the median age climbs, the workforce shrinks, and the total population eventually declines unless immigration offsets it. Pension and healthcare costs rise relative to the number of people paying taxes.

This is like the path South Korea followed, roughly: its fertility fell from above 4 around 1970 to below replacement by the mid-1980s, it had a strong demographic dividend, and now it has one of the fastest-ageing populations in the world, with fertility around 0.7 recently. Japan and much of southern Europe show the later stages.

Policy responses: raising retirement ages, encouraging higher labour force participation by women and older workers, immigration, automation and productivity growth, and family policies, which usually raise fertility only a little.

To sum up: below-replacement fertility means an ageing population and, after a lag of a couple of decades, a shrinking workforce, with a temporary demographic dividend first.""",
        response="""A fall from 4.0 to 1.5 takes fertility well below the replacement level of about 2.1, so each new generation will be only about 70% the size of its parents'. In the short run the large earlier cohorts enter working age while fewer children are born, giving a temporary demographic dividend; after a couple of decades the small cohorts reach working age, the workforce starts to shrink and the population ages rapidly, raising the old-age dependency ratio and the burden of pensions and healthcare. Unless offset by immigration, higher participation or productivity, the result is an ageing population and eventually a shrinking workforce.""",
        final="An ageing population and eventually a shrinking workforce",
        notes=dict(
            strategies=["recalling_knowledge", "estimation", "case_analysis", "analogy",
                        "summarizing_progress"],
            verbosity=3, correct=True,
        ),
    ),
    # ---------------------------------------------------------------- Military Science
    dict(
        question_id="nts-078",
        reasoning="""Okay, so a shell is fired at 45 degrees with muzzle velocity 300 m/s, g = 9.8 m/s2, no air resistance. I need the range, and then why the real range is shorter.

Plan: split the velocity into components, find the time of flight, multiply by horizontal speed.

Components: v cos 45 = v sin 45 = 300 x 0.7071 = 212.13 m/s each.

Time of flight: the vertical velocity goes from 212.13 up to zero at the top, which takes v_y / g = 212.13 / 9.8 = 21.65 s.

Range = horizontal speed x time = 212.13 x 21.65 = 4,592 m. So about 4.6 km.

Let me check the units: m/s times s gives m. Fine. And I remember that 45 degrees is the angle of maximum range in a vacuum, since sin 2 theta is largest at 90 degrees, so this should be the maximum range for this muzzle velocity.

As a rough plausibility check, a few kilometres for a 300 m/s shell seems about right for a light gun or a mortar.

Why the real range is shorter: air drag. Drag grows roughly with the square of speed, so at 300 m/s it is large; it slows the shell all along the trajectory, mostly the horizontal component, and the shell comes down steeper and shorter. With drag the best elevation is also usually a bit below 45 degrees for most shells (for very long-range guns firing into thin upper air it can be higher). Other factors: wind, air density, spin effects, and the shell not being a point mass.""",
        response="""Each velocity component is 300 x sin 45 = 212.1 m/s. The vertical component takes 212.1 / 9.8 = 21.6 s to fall to zero, so the shell covers about 212.1 x 21.6 = 4,590 m: the range in a vacuum is about 4.6 km. In reality air drag, which grows with the square of speed and is large at 300 m/s, continually slows the shell, so it falls short of this ideal range; wind and air density also matter. Answer: about 4.6 km, reduced further by air resistance.""",
        final="About 4.6 km; air drag",
        notes=dict(
            strategies=["subgoal_setting", "self_verification", "estimation", "recalling_knowledge"],
            verbosity=2, correct=False,
        ),
    ),
    dict(
        question_id="nts-182",
        reasoning="""Okay, so a radar sends 1,000 pulses per second, speed of light 3 x 10^8 m/s. The question is asking for the maximum range it can measure without ambiguity.

I recall that a pulse radar measures distance by timing the echo. The ambiguity comes in because if an echo from one pulse returns after the next pulse has already gone out, the radar can't tell which pulse the echo belongs to. It would assign it to the newer pulse and report a much shorter range. So the echo must come back before the next pulse: the listening window is the interval between pulses.

Pulse interval: 1 / 1,000 s = 1 ms.

In 1 ms light travels 3 x 10^8 x 10^-3 = 3 x 10^5 m = 300 km.

Wait, no. The pulse has to go out to the target and come back. In 1 ms the light travels 300 km in total, out and back, so the target can be at most half that away: 150 km. I almost forgot the round trip. That's the classic slip. So R_max = c / (2 x PRF) = 3 x 10^8 / 2,000 = 1.5 x 10^5 m = 150 km.

Let me verify by plugging in a target at 150 km: round trip 300 km, time 300,000 / 3 x 10^8 = 1 ms. Exactly one pulse interval. Yes. A target at 200 km would return its echo after 1.33 ms, i.e. 0.33 ms after the second pulse, and the radar would read it as 50 km. That's the ambiguity.

This is like shouting in a canyon and clapping every second: if the echo takes longer than a second, you can't tell whether you are hearing the last clap or the one before.

Ballpark check: long-range surveillance radars use low pulse rates, a few hundred per second, for ranges of several hundred km, and fire-control radars use high rates with short unambiguous ranges. 150 km at 1 kHz fits that pattern. Radars get around the limit by varying the pulse interval (staggered PRF), which separates true targets from ghost echoes.""",
        response="""An echo must return before the next pulse is sent, or the radar cannot tell which pulse it belongs to. The pulse interval is 1/1,000 s = 1 ms, during which light travels 300 km; since that distance covers the trip out and back, the maximum unambiguous range is half of it, R = c / (2 x PRF) = 3 x 10^8 / 2,000 = 150 km. Answer: 150 km.""",
        final="150 km",
        notes=dict(
            strategies=["restating_problem", "recalling_knowledge", "backtracking", "self_verification",
                        "testing_examples", "analogy", "estimation"],
            verbosity=4, correct=True,
        ),
    ),
    dict(
        question_id="nts-130",
        reasoning="""Okay, so 3,000 defenders hold a prepared position, and by the traditional 3:1 rule of thumb I need the number of attackers, and then why the rule is an oversimplification.

The arithmetic is immediate: 3 x 3,000 = 9,000 attackers.

Now the harder part. I recall that the 3:1 rule says an attacker needs about three times the defender's strength to have a reasonable chance of success against a prepared defence. It's often traced to nineteenth-century Prussian practice, and it appears in US Army doctrine as a planning ratio. The logic: defenders in prepared positions have cover, concealment, fields of fire they have surveyed, obstacles, and they fire while attackers move in the open.

Why it oversimplifies:

1. It applies locally, not to whole forces. The rule is about the ratio at the point of attack. An attacker with fewer troops overall can achieve 3:1 or more at a chosen spot by concentrating, while holding elsewhere with a thin screen. So 9,000 versus 3,000 across a whole front is the wrong way to read it.

2. It counts heads, not combat power. Quality, training, morale, leadership, equipment, artillery, air support and armour all matter. One tank company or a well-placed machine gun changes the ratio more than a few hundred riflemen.

3. Terrain and the type of defence vary enormously. A hasty defence in open ground is not the same as a fortified city or a mountain pass. Thermopylae is the extreme example: a tiny force held a very much larger one for days because of the ground.

4. Surprise and tempo. Attackers who achieve surprise, as the Germans did through the Ardennes in 1940, can win at much lower ratios. The defender may also be outmanoeuvred rather than assaulted head-on.

5. Historical data are mixed. I'm not certain of the details, but analysts such as Trevor Dupuy, who studied many engagements, found that attackers often succeeded at lower ratios and sometimes failed at higher ones, and the rule is better seen as a crude average than a law. There were debates in the 1980s about this in journals like International Security, with Mearsheimer defending the rule as a planning guide and others criticising it.

6. It says nothing about cost. Even a successful 3:1 attack may take heavy casualties.

Let me test it on a concrete example. Suppose the attacker really has 9,000, but the defenders' 3,000 hold a 15 km line. If the attacker spreads evenly, every sector sees 3:1, and every sector is a costly slog. If instead he leaves 3,000 to pin the defenders along most of the line and puts 6,000 against the 500 holding a 2-3 km stretch, that sector sees 12:1 and probably breaks, and the defence then has to react to a breakthrough. Same totals, very different outcomes. That's exactly why the overall number is not the useful one.

Alternatively one could model this with Lanchester-type equations, where firepower and exchange rates matter rather than a fixed ratio; that also shows why a single number can't capture it.

So the key points: 9,000 attackers by the rule; the rule is a rough planning guide for local force ratios and ignores quality, firepower, terrain, surprise and manoeuvre.""",
        response="""By the 3:1 rule an attack on 3,000 prepared defenders calls for about 3 x 3,000 = 9,000 attackers. The rule is an oversimplification: it really concerns the local ratio at the point of attack, which can be created by concentration; it counts soldiers rather than combat power (training, morale, firepower, armour, air support); it ignores terrain, the quality of the fortifications, surprise and manoeuvre; and historical studies show attacks succeeding at lower ratios and failing at higher ones. Answer: 9,000 attackers, as a crude planning guide rather than a law.""",
        final="9,000",
        notes=dict(
            strategies=["recalling_knowledge", "estimation", "testing_examples", "case_analysis",
                        "expressing_uncertainty", "exploring_alternatives", "summarizing_progress"],
            verbosity=3, correct=True,
        ),
    ),
    dict(
        question_id="nts-156",
        reasoning="""Okay, so this is about Lanchester's square law for aimed fire. A force of 1,000 meets an enemy force of 500, equal quality. Roughly how many of the larger force remain when the smaller one is destroyed, and what does it imply about concentrating forces?

Let me restate it to be sure I understand: two forces, 1,000 and 500, each soldier equally effective, aimed fire, fight to the finish. How many of the 1,000 are left at the end. And then a general lesson about concentration.

I remember that Frederick Lanchester, a British engineer, wrote about this around the First World War, around 1916 I think, in the context of aircraft. He had two laws, the linear law and the square law. The linear law is for ancient-style combat, one-on-one, or for unaimed area fire, and the square law is for modern aimed fire where every shooter can engage any target. Hmm, or was it that the linear law is for area fire and something else for one-on-one? I'm a bit confused about which is which for the unaimed case, but for this question it doesn't matter, because the question says square law, aimed fire.

Under the square law, the fighting strength of a force is proportional to the square of its numbers times its quality. So with equal quality, the strength of the larger force is 1,000 squared, which is 1,000,000, and the strength of the smaller force is 500 squared, which is 250,000. So the larger force is four times as strong, not twice as strong, even though it only has twice the numbers. That's the key insight of the square law, I think: doubling numbers quadruples strength.

Now, how many survive. Let me think about this. The larger force has strength 1,000,000 and the smaller 250,000. The smaller force inflicts losses in proportion to its strength relative to the larger one. So the larger force loses 250,000 / 1,000,000 = one quarter of its strength, a quarter of its men. A quarter of 1,000 is 250. So 1,000 - 250 = 750 remain.

Hmm, let me think again about whether that's right. Let me compare with the linear law as a check. Under the linear law, with one-on-one fighting, each of the 500 takes one of the 1,000 with him, so the larger force would lose 500 and have 500 left. Under the square law, the larger force should do better than that, because its advantage is magnified. 750 is more than 500, so that's consistent with the square law favouring the larger side more. Yes, that checks out.

Another way to think about it: at the start, the 1,000 fire at the 500, and the 500 fire at the 1,000. Each side's rate of killing is proportional to its own number of shooters. So the larger force kills twice as fast at first. And as the smaller force shrinks, it kills even more slowly, while the larger force shrinks more slowly. So the exchange gets more and more favourable to the larger side as the battle goes on. That's why the advantage compounds. This is like compound interest, in a way, or a snowball: the side that is ahead gets further ahead with each volley.

Let me try a concrete example with small numbers to see the pattern. Suppose 2 against 1, each shooter kills at the same rate. Under the square law strengths are 4 and 1. The smaller side's share is 1/4, so the larger side loses a quarter of 2, which is 0.5, and 1.5 remain. That seems plausible: the lone soldier gets off a few shots before he is hit, and with two people shooting at him he doesn't last long.

And 3 against 1: strengths 9 and 1, the larger loses a ninth of 3, a third of a person, so about 2.67 remain. The pattern holds: the bigger the ratio, the smaller the fraction lost.

So, roughly, 750 of the 1,000 remain. Let me just double-check the ratio: 500 squared is 250,000; 1,000 squared is 1,000,000; ratio 0.25. 0.25 times 1,000 is 250. 1,000 minus 250 is 750. Yes.

Now what does this imply about concentrating forces? This is the really important part, and I think it's the reason the square law is famous. Because strength goes with the square of numbers, it pays enormously to concentrate your forces and fight the enemy's forces one piece at a time. Suppose the enemy has 1,000 split into two groups of 500, and you have 1,000 as well. If you fight both of his groups at once, it's an even fight. But if you concentrate all 1,000 on one of his groups of 500, you destroy it while losing relatively few, then turn on the other group of 500 with your remaining force, which is still larger than 500, and you win again. That's defeat in detail.

Napoleon was famous for this, I think, using the central position to fight separated enemy armies one at a time. And Nelson at Trafalgar, breaking the enemy line so that part of the Franco-Spanish fleet could be overwhelmed before the rest could come into action; Nelson's memorandum before the battle is often cited as an intuitive application of the square law.

So the implication: never divide your force in the face of the enemy without good reason, concentrate at the decisive point, and try to make the enemy split his forces. Numbers matter more than proportionally, so a small numerical advantage at the point of contact can be decisive. Conversely, a smaller force should avoid pitched battles in the open where the square law applies, and seek conditions where it doesn't, like ambushes, narrow fronts, or guerrilla tactics, where not all of the larger side's shooters can engage at once.

Hmm, I'm not sure, though, how well the square law matches real battles. I've heard that historical data fit it only roughly, sometimes better something between linear and square. And quality differences matter: the square law says numbers count squared but quality counts only linearly, so to offset being outnumbered two to one, a side would need each soldier to be four times as effective. That's another implication: it's often cheaper to add numbers than quality, unless quality is much cheaper.

Let me recap: square law, strengths 1,000,000 versus 250,000, the larger side loses a quarter of its force, about 750 remain. Implication: concentration multiplies effectiveness, defeat in detail, numbers count more than proportionally. I'm going with 750.""",
        response="""Under Lanchester's square law, fighting strength is proportional to the square of numbers, so the larger force has strength 1,000^2 = 1,000,000 against 500^2 = 250,000, four times as strong with only twice the men. The smaller force can therefore destroy only a quarter of the larger one, so about 1,000 - 250 = 750 of the larger force remain when the 500 are wiped out. Because strength grows with the square of numbers, concentrating forces and defeating an enemy piece by piece (defeat in detail) is disproportionately effective, and a commander should avoid dividing his force. Answer: roughly 750 survivors.""",
        final="Roughly 750",
        notes=dict(
            strategies=["restating_problem", "recalling_knowledge", "expressing_uncertainty",
                        "self_verification", "exploring_alternatives", "analogy", "testing_examples",
                        "estimation", "summarizing_progress", "backtracking"],
            verbosity=9, correct=False,
        ),
    ),
]
