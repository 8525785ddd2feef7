"""Source of truth for src/naturalthoughts/data/eval/nt_mcq.jsonl (benchmark nt-mcq, CC BY 4.0).

Each question is (domain, question, correct option, wrong options); the gold position is assigned so that gold
letters stay balanced. Run from the repository root: python scripts/build_nt_mcq.py
"""
import json, random
Q = [
("mathematics","What is the sum of the interior angles of a convex hexagon, in degrees?","720",["540","900","1080"]),
("mathematics","How many positive divisors does 36 have?","9",["8","6","12"]),
("mathematics","If f(x) = 3x - 5, what is f(f(2))?","-2",["1","4","-1"]),
("mathematics","In how many ways can a committee of 3 people be chosen from 7 people (order does not matter)?","35",["21","210","42"]),
("physics","A car accelerates uniformly from rest to 20 m/s in 5 s. How far does it travel in that time?","50 m",["100 m","25 m","20 m"]),
("physics","Two resistors of 6 ohms and 3 ohms are connected in parallel. What is their equivalent resistance?","2 ohms",["9 ohms","4.5 ohms","0.5 ohms"]),
("physics","A ball is dropped from rest and falls freely (no air resistance). What is the ratio of the distance it falls in the first 2 seconds to the distance it falls in the first 1 second?","4",["2","3","the square root of 2"]),
("physics","A wave's frequency doubles while its speed stays the same. What happens to its wavelength?","It halves.",["It doubles.","It stays the same.","It quadruples."]),
("chemistry","How many moles of water are in 36 g of water (molar mass 18 g/mol)?","2",["0.5","18","36"]),
("chemistry","What is the pH of a 0.001 M solution of hydrochloric acid, a strong acid, at 25 degrees Celsius?","3",["1","11","7"]),
("chemistry","In the reaction 2 H2 + O2 -> 2 H2O, how many moles of O2 react completely with 6 moles of H2?","3",["6","12","2"]),
("chemistry","An element has atomic number 11. How many electrons does a neutral atom of it have in its outermost shell?","1",["3","7","11"]),
("biology","Two pea plants that are both heterozygous for one gene (Aa x Aa, with A dominant) are crossed. What is the expected ratio of dominant to recessive phenotypes among the offspring?","3:1",["1:1","1:2:1","9:3:3:1"]),
("biology","A DNA strand reads 5'-ATGC-3'. What is its complementary strand, written from 5' to 3'?","5'-GCAT-3'",["5'-TACG-3'","5'-CGTA-3'","5'-ATGC-3'"]),
("biology","A human body cell has 46 chromosomes. How many chromosomes does a normal human egg cell have?","23",["46","92","22"]),
("biology","Muscle cells use a great deal of ATP. Which organelle would you expect to find in especially large numbers in them?","mitochondria",["chloroplasts","lysosomes","the Golgi apparatus"]),
("computer science","What is the binary representation of the decimal number 13?","1101",["1011","1110","1001"]),
("computer science","A sorted list holds 1,000,000 elements. About how many comparisons does binary search need in the worst case?","20",["1,000","500,000","1,000,000"]),
("computer science","A stack starts empty. The operations push(1), push(2), pop(), push(3), push(4), pop() are applied in order. Which element is now on top?","3",["1","2","4"]),
("computer science","How many distinct values can be represented with 8 bits?","256",["255","128","512"]),
("economics","The price of a good rises by 10% and the quantity demanded falls by 20%. What is the absolute value of the price elasticity of demand?","2",["0.5","10","20"]),
("economics","You deposit $100 at 10% annual interest, compounded once a year. How much is in the account after 2 years?","$121",["$120","$110","$200"]),
("economics","A government sets a binding price ceiling below the market-clearing price. What typically results?","a shortage",["a surplus","no change in the quantity traded","an increase in the quantity supplied"]),
("economics","A firm's total cost is 50 + 4q, where q is the quantity produced. What is the marginal cost of producing the 10th unit?","4",["9","90","54"]),
("logic","All bloops are razzies, and all razzies are lazzies. Which statement must be true?","All bloops are lazzies.",["All lazzies are bloops.","Some razzies are not bloops.","No lazzies are bloops."]),
("logic","What is the contrapositive of 'If it rains, the ground is wet'?","If the ground is not wet, it did not rain.",["If the ground is wet, it rained.","If it does not rain, the ground is not wet.","It rains and the ground is not wet."]),
("logic","Anna is taller than Ben, Ben is taller than Cara, and Dev is shorter than Cara. Who is the shortest?","Dev",["Anna","Ben","Cara"]),
("logic","The statement 'P and Q' is false. Which of the following must be true?","At least one of P and Q is false.",["Both P and Q are false.","P is false.","Q is false."]),
("probability","Two fair six-sided dice are rolled. What is the probability that their sum is 7?","1/6",["1/12","7/36","1/36"]),
("probability","The mean of five numbers is 8. Four of them are 6, 7, 9 and 10. What is the fifth number?","8",["7","9","10"]),
("probability","A fair coin is flipped 3 times. What is the probability of getting at least one head?","7/8",["1/2","3/8","3/4"]),
("probability","What is the median of the data set 3, 9, 1, 7, 5, 11?","6",["5","7","9"]),
("earth science","What is the main reason Earth has seasons?","the tilt of Earth's rotation axis relative to its orbital plane",["changes in Earth's distance from the Sun","changes in the Sun's energy output","the Moon's gravitational pull"]),
("earth science","Sound travels at about 340 m/s in air. Thunder is heard 3 seconds after the lightning flash is seen. Roughly how far away was the strike?","about 1 km",["about 100 m","about 3 km","about 340 m"]),
("earth science","Which type of rock forms when magma or lava cools and solidifies?","igneous",["sedimentary","metamorphic","evaporite"]),
("earth science","Where is the air pressure typically lowest?","at the summit of a high mountain",["at sea level","in a valley below sea level","at the bottom of a deep mine shaft"]),
("engineering","A lever has an effort arm of 2 m and a load arm of 0.5 m. Ignoring friction, what effort balances a load of 400 N?","100 N",["200 N","1600 N","800 N"]),
("engineering","A 60 W lamp runs for 5 hours. How much electrical energy does it use?","0.3 kWh",["300 kWh","12 kWh","3 kWh"]),
("engineering","A gear with 20 teeth drives a gear with 60 teeth. The driving gear turns at 90 rpm. How fast does the driven gear turn?","30 rpm",["270 rpm","90 rpm","60 rpm"]),
("engineering","A pump lifts 10 kg of water through a height of 5 m in 2 s. Taking g = 10 m/s^2, what is its useful power output?","250 W",["500 W","100 W","50 W"]),
]
LONG = [
("mathematics","What is the remainder when 2^10 is divided by 7?","2",["1","3","4","5"],"E"),
("astronomy","The Moon takes about 27.3 days to orbit Earth relative to the distant stars, yet full moons recur only about every 29.5 days. Why is the second period longer?","Earth moves along its orbit around the Sun, so the Moon must travel further to return to the same Sun-Earth-Moon alignment",["The Moon's orbit is an ellipse rather than a circle","The Moon spins on its axis more slowly than it orbits","Sunlight takes time to travel to the Moon","Earth's rotation slows the Moon down every month","The Moon's orbit is tilted relative to Earth's orbit"],"A"),
("computer science","How many edges does a tree with 12 vertices have?","11",["12","10","13","24","6","66"],"F"),
("linguistics","In the invented language Zibbo, 'tak' means 'dog', 'takka' means 'dogs' and 'mel' means 'cat'. Following the same rule, which word most likely means 'cats'?","melka",["melma","mels","kamel","melmel","tamel","mella","melkak"],"G"),
("physics","A body's speed triples, from v to 3v. By what factor does its kinetic energy increase?","9",["3","6","27","1","2","12","4.5","81"],"H"),
("probability","How many different arrangements are there of the letters of the word LEVEL?","30",["120","60","20","10","24","15","40","5","90"],"I"),
("chemistry","An ideal gas in a sealed, rigid container is heated from 300 K to 600 K. What happens to its pressure?","It doubles.",["It halves.","It stays the same.","It quadruples.","It increases by a factor of the square root of 2.","It increases by exactly 300 Pa."],"C"),
("logic","On an island, knights always tell the truth and knaves always lie. A says: 'B is a knave.' B says: 'A and I are the same kind.' What are A and B?","A is a knight and B is a knave.",["Both are knights.","Both are knaves.","A is a knave and B is a knight.","It cannot be determined.","A is a knight; B could be either.","A is a knave; B could be either.","No assignment is consistent."],"D"),
]
# Hand labels, one per question above (Q then LONG, in order), by reading each question:
# easy = one recalled fact or one arithmetic step; medium = a formula to apply or two to three steps, or a
# tempting wrong option; hard = several steps with a trap (reverse complement, repeated letters, synodic month,
# knights and knaves). A judgement of the question, not a measured solve rate.
DIFFICULTY = (
    # mathematics, physics, chemistry, biology
    "medium", "medium", "medium", "medium", "medium", "medium", "medium", "easy",
    "easy", "medium", "easy", "medium", "easy", "hard", "easy", "easy",
    # computer science, economics, logic, probability
    "easy", "medium", "medium", "easy", "medium", "medium", "easy", "medium",
    "easy", "medium", "easy", "medium", "medium", "easy", "medium", "medium",
    # earth science, engineering
    "easy", "easy", "easy", "easy", "medium", "medium", "medium", "medium",
    # LONG: remainder, synodic month, tree edges, Zibbo, kinetic energy, LEVEL, gas pressure, knights and knaves
    "medium", "hard", "easy", "medium", "easy", "hard", "easy", "hard",
)
assert len(DIFFICULTY) == len(Q) + len(LONG)
golds = list("ABCD" * 10)
random.Random(20260126).shuffle(golds)
rows = []
def put(domain, q, correct, wrong, letter):
    opts = list(wrong)
    opts.insert("ABCDEFGHIJ".index(letter), correct)
    rows.append({"id": f"nt-mcq-{len(rows)+1:03d}", "question": q, "options": opts, "answer": letter, "domain": domain,
                 "difficulty": DIFFICULTY[len(rows)]})
for (d, q, c, w), g in zip(Q, golds):
    put(d, q, c, w, g)
for d, q, c, w, g in LONG:
    put(d, q, c, w, g)
# interleave so a --limit prefix covers several domains: order by a fixed shuffle
random.Random(7).shuffle(rows)
for i, r in enumerate(rows, 1):
    r["id"] = f"nt-mcq-{i:03d}"
with open("src/naturalthoughts/data/eval/nt_mcq.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
from collections import Counter
print(len(rows), sorted(Counter(r["answer"] for r in rows).items()), Counter(r["domain"] for r in rows))
print(Counter(r["domain"] for r in rows[:20]), Counter(r["answer"] for r in rows[:20]))
