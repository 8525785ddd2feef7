"""Questions written for the naturalthoughts sample pool (CC-BY-4.0, see src/naturalthoughts/data/LICENSE-DATA.md).

Part B: Law, History, Education, Management. Each entry is (question, reference answer or None).
"""

LAW = [
    ("Anna offers to sell her car to Ben for $5,000 and says the offer stays open until Friday. On Wednesday Ben "
     "replies, 'I'll take it for $4,500.' On Thursday he writes, 'Fine, I accept the $5,000.' Under classic "
     "common-law contract rules, is there a contract?",
     "No: the counter-offer rejected the original offer, so Thursday's message is only a new offer"),
    ("Explain the difference between the standard of proof in a criminal trial and in a civil trial in common-law "
     "systems, and why the two standards differ.",
     "Beyond reasonable doubt versus the balance of probabilities; wrongful conviction is treated as the graver error"),
    ("A shop displays a jacket labelled $20 instead of the intended $200. A customer takes it to the till and insists "
     "on paying $20. Under common-law rules on offer and acceptance, must the shop sell it at that price?",
     "No: a priced display is an invitation to treat, and the customer makes the offer"),
    ("A driver doing 80 km/h in a 50 km/h zone hits a pedestrian who stepped into the road while reading her phone. "
     "Analyse the driver's liability in negligence and how the pedestrian's own conduct may affect the damages.",
     "The driver is likely liable, with damages reduced for the pedestrian's contributory negligence"),
    ("Explain the principle of stare decisis, distinguish binding from persuasive precedent, and describe how a lower "
     "court can avoid following a precedent by distinguishing it.",
     None),
    ("A tenant sublets his flat without the landlord's permission, in breach of the lease. While the subtenant is "
     "out, the landlord changes the locks. Discuss the legal problems with this kind of self-help eviction in most "
     "modern jurisdictions.",
     None),
    ("Explain why courts generally exclude a confession obtained by threats of violence, considering both the "
     "reliability of the evidence and the integrity of the justice system.",
     None),
    ("An employee making a delivery during working hours negligently crashes into a parked car. Under the doctrine of "
     "vicarious liability, whom can the car's owner sue, and why does the law make the employer answerable?",
     "The employer as well as the employee, because the tort was committed in the course of employment"),
    ("Distinguish murder from manslaughter in common-law systems by reference to the mental element, and classify the "
     "case of a person who kills another with a single punch without intending serious harm.",
     "Manslaughter (unlawful act manslaughter), because there was no intent to kill or cause serious harm"),
    ("A photographer takes a picture of a public building, and a souvenir company prints the photograph on postcards "
     "without permission. Discuss whether copyright has been infringed and who owns the relevant copyright.",
     "Yes: the photographer owns copyright in the photograph even though the building is public"),
    ("Explain the doctrine of consideration in contract law and why a bare promise to make a gift is usually not "
     "enforceable as a contract.",
     None),
    ("Explain why accused persons have a right to remain silent, and what dangers the right guards against in a "
     "system based on the presumption of innocence.",
     None),
    ("A will leaves 'my house to my daughter', but the testator sold the house two years before dying and the "
     "proceeds sit in a bank account. Explain the doctrine of ademption and its likely effect on the daughter's gift.",
     "The gift adeems (fails), so she does not take the sale proceeds unless a statute provides otherwise"),
    ("A city bans all public demonstrations within 1 km of city hall at all times. Analyse whether this is likely to "
     "be upheld as a content-neutral time, place and manner restriction under United States free-speech doctrine.",
     "Unlikely: a total ban over so wide an area is not narrowly tailored and leaves few alternative channels"),
    ("Compare patents and trade secrets as ways of protecting an invention, and explain why a company might choose "
     "secrecy for a manufacturing process.",
     None),
    ("Two people agree to rob a bank. One later tells the other he will not take part but does nothing else, and the "
     "other commits the robbery. Discuss whether the first person can still be liable for conspiracy.",
     "Yes: conspiracy is complete once the agreement is made, so later withdrawal does not undo it"),
]

HISTORY = [
    ("Explain how Gutenberg's printing press, developed around 1440, helped the Protestant Reformation spread so "
     "quickly in the sixteenth century.",
     None),
    ("Why did the Treaty of Versailles of 1919 create deep resentment in Germany, and how did that resentment feed the "
     "rise of extremist politics in the 1920s and 1930s?",
     None),
    ("The Black Death killed between a third and a half of Europe's population in the mid-fourteenth century. Explain "
     "how this collapse in population affected wages and the feudal order in the following decades.",
     "Labour became scarce, wages rose and serfdom weakened despite attempts to cap wages"),
    ("Compare the causes of the American Revolution (1775-1783) and the French Revolution (1789), focusing on "
     "taxation, political representation and social structure.",
     None),
    ("How did the geography of the Nile valley shape the political unity and the agricultural economy of ancient "
     "Egypt?",
     None),
    ("The Ottoman capture of Constantinople in 1453 is often linked to the European voyages of exploration that "
     "followed. Explain the connection.",
     "Ottoman control of eastern trade routes pushed Europeans to seek sea routes to Asia"),
    ("Discuss the main economic, political and nationalist reasons for the collapse of the Soviet Union in 1991.",
     None),
    ("How did the spread of railways in the nineteenth century change the economy and everyday life of industrialising "
     "countries such as Britain?",
     None),
    ("The Meiji Restoration began in 1868. Explain how Japan modernised so rapidly in the following decades and what "
     "part the threat of Western imperialism played.",
     None),
    ("In which century did Rome pass from republic to empire, and what political changes under Augustus marked the "
     "transition?",
     "The first century BC (Augustus from 27 BC)"),
    ("Explain the importance of the Silk Road for exchanges between China and the Mediterranean world, covering goods, "
     "technologies, religions and diseases.",
     None),
    ("Why did the Atlantic slave trade grow so dramatically in the seventeenth and eighteenth centuries? Discuss the "
     "role of plantation economies in the Americas.",
     None),
    ("How did the Cuban Missile Crisis of 1962 change relations between the United States and the Soviet Union in the "
     "years that followed?",
     "It led to the Moscow-Washington hotline, the 1963 Partial Test Ban Treaty and a move toward détente"),
    ("Explain how the Columbian Exchange after 1492 transformed diets and populations in both Europe and the Americas.",
     None),
    ("How many years separate the sealing of Magna Carta in 1215 from the United States Declaration of Independence in "
     "1776, and which idea in Magna Carta influenced later constitutional thinking?",
     "561 years; that even the ruler is bound by law and no free man may be punished except by lawful judgement"),
    ("Why did China's defeat in the First Opium War (1839-1842) mark a turning point in the history of the Qing "
     "dynasty?",
     "The Treaty of Nanjing ceded Hong Kong and opened ports, beginning the era of unequal treaties"),
]

EDUCATION = [
    ("On a test taken by 30 students the mean score is 65 and the standard deviation is 10. If the teacher adds 5 "
     "points to every score, what are the new mean and standard deviation? What are they if she instead multiplies "
     "every score by 1.1?",
     "Mean 70, SD 10; mean 71.5, SD 11"),
    ("Explain the difference between formative and summative assessment, give an example of each, and explain how "
     "formative assessment can improve learning.",
     None),
    ("Using Vygotsky's idea of the zone of proximal development, explain how a teacher should decide how much help to "
     "give a pupil who is learning long division.",
     None),
    ("Students who attend an optional after-school tutoring programme score higher in exams than those who do not. "
     "Explain why this does not prove that the programme works, and propose a study that would give stronger evidence.",
     "Self-selection could explain the gap; a randomised controlled trial would give stronger evidence"),
    ("Why does practice spread out over time usually produce better long-term retention than the same amount of "
     "practice crammed into one session? Refer to the forgetting curve in your answer.",
     None),
    ("A class of 24 students is to be split into equal groups of between 3 and 6 students for a project. List the "
     "possible group sizes and discuss which would best support cooperative learning.",
     "3, 4 or 6 students per group"),
    ("Show how Bloom's taxonomy can be used to write a sequence of questions of increasing cognitive demand for a "
     "lesson on photosynthesis.",
     None),
    ("A reading test has a reliability coefficient of 0.5. Explain what this implies about using one score on the test "
     "to decide whether a child should be placed in a remedial class.",
     None),
    ("A university admits students using only a single entrance examination. Discuss the advantages and disadvantages "
     "of this policy for fairness, for predicting success, and for how secondary schools teach.",
     None),
    ("A teacher notices that a pupil who explains ideas well orally does poorly on written tests. Outline the steps "
     "the teacher should take to find out whether a learning difficulty such as dyslexia may be involved.",
     None),
    ("In one class 18 of 25 students passed a quiz; after a new teaching approach, 22 of 25 passed the next quiz. "
     "Calculate both pass rates and the change in percentage points, and explain why this alone does not show the new "
     "approach caused the improvement.",
     "72% and 88%, a rise of 16 percentage points"),
    ("Explain what a 'growth mindset' is and how the way a teacher praises pupils can encourage or undermine it.",
     "Praising effort and strategies encourages it; praising innate intelligence undermines it"),
    ("Compare direct instruction with inquiry-based learning for teaching beginners a new mathematical procedure, "
     "taking cognitive load theory into account.",
     None),
    ("A school can afford either to cut class sizes from 30 to 25 pupils or to hire two specialist reading tutors. "
     "What evidence and considerations should guide the decision?",
     None),
    ("A multiple-choice test has 40 questions with 4 options each. What score should a student expect from pure "
     "guessing, and how does a penalty of one third of a mark per wrong answer change that expectation?",
     "10 marks; 0 with the penalty"),
    ("Explain why bilingual children may at first know fewer words in each language than monolingual children of the "
     "same age, and why this does not indicate a language delay.",
     "Their vocabulary is split across two languages; the total across both is typically comparable"),
]

MANAGEMENT = [
    ("A project has four tasks: A takes 3 days; B takes 5 days and starts after A; C takes 2 days and starts after A; "
     "D takes 4 days and starts after both B and C. What is the minimum project duration, which tasks form the "
     "critical path, and how much slack does task C have?",
     "12 days; A-B-D; 3 days of slack"),
    ("A company uses 12,000 units of a component a year. Each order costs $50 to place and holding one unit for a year "
     "costs $3. Using the economic order quantity model, how many units should be ordered at a time?",
     "About 632 units"),
    ("Explain why a manager might reward teams rather than individuals for performance, and what risks this creates, "
     "such as social loafing.",
     None),
    ("A start-up's product has a contribution margin of 40% of price and monthly fixed costs of $60,000. What monthly "
     "revenue does it need to break even, and what revenue would it need after a 10% price cut with unit costs "
     "unchanged?",
     "$150,000; $180,000"),
    ("Using Herzberg's two-factor theory, explain why a pay rise may reduce employees' dissatisfaction without "
     "necessarily making them more motivated.",
     "Pay is a hygiene factor; motivation comes from factors such as achievement, recognition and the work itself"),
    ("A firm considers an investment of $100,000 that would return $30,000 a year for five years. At a discount rate "
     "of 10%, what is the net present value, and should the firm invest?",
     "About $13,700; yes"),
    ("A retailer notices that its stores with longer opening hours have higher sales. Before extending opening hours "
     "everywhere, what alternative explanations should management rule out?",
     None),
    ("Describe how Porter's five forces could be used to judge whether a newcomer should enter the food-delivery app "
     "market.",
     None),
    ("A call centre receives on average 120 calls an hour and each agent can handle 15 calls an hour. What is the "
     "smallest number of agents for which the queue does not grow without limit, and why are more agents needed to "
     "keep waiting times short?",
     "9 agents (8 would be fully utilised)"),
    ("Explain the difference between transformational and transactional leadership, and discuss which is likely to be "
     "more effective during a major organisational change.",
     None),
    ("A factory makes 200,000 units a year with a defect rate of 2%, and fixing each defect costs $40. If a quality "
     "programme cuts the defect rate to 0.5%, what are the annual savings?",
     "$120,000"),
    ("Using the idea of core competencies, explain why a company might outsource its IT support while keeping product "
     "design in-house.",
     None),
    ("Supplier X is cheaper but delivers late 10% of the time; Supplier Y costs 5% more but is almost always on time. "
     "Which factors should decide the choice for a factory that runs just-in-time production?",
     "The cost of line stoppages usually favours the reliable supplier Y"),
    ("Explain what a balanced scorecard is and why judging a business only by its financial results can mislead its "
     "managers.",
     None),
    ("In a team of 6 people, every member must communicate with every other. How many communication channels are "
     "there, how many would there be in a team of 12, and what does this imply for team size?",
     "15; 66"),
    ("A company with 400 employees has staff turnover of 25% a year, and replacing each leaver costs $15,000. What is "
     "the annual cost of turnover, and what strategies could reduce it?",
     "$1.5 million (100 leavers)"),
]
