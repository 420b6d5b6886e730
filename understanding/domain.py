"""Words that only machine learning uses: a message naming one is on-topic even when no entry
and no example is near it ("how do liquid state machines differ from echo state networks?"), so
Tutor says "not sure" and asks staff instead of declining it.

Only unambiguous terms belong here. Words ML shares with everyday life (model, kernel, neuron,
train, forecast, tensor, transformer, python, epoch, regression, dropout, deep learning) are
left out on purpose: "kernel panic", "train my puppy" and "python eggs" must still be declined.
"""

import re

TERMS = (
    r"neural[ -]?(?:net|nets|network|networks|odes?)|artificial neurons?|perceptrons?|"
    r"multi-?layer perceptrons?|convnets?|cnns?|rnns?|lstms?|autoencoders?|auto-encoders?|"
    r"gans?|generative adversarial|diffusion models?|hypernetworks?|hyper-networks?|"
    r"capsule (?:net|nets|network|networks)|capsnets?|echo state|reservoir computing|"
    r"liquid state machines?|spiking (?:neural|nets?|networks?)|boltzmann machines?|hopfield|kolmogorov[ -]arnold|"
    r"backprop|backpropagation|back-propagation|gradient descent|vanishing gradients?|"
    r"exploding gradients?|hyper-?parameters?|activation functions?|loss functions?|softmax|"
    r"relu|sigmoid activation|batch ?norm(?:alization|alisation)?|layer ?norm|self-attention|"
    r"attention heads?|word embeddings?|embeddings|embedding layer|latent space|feature maps?|"
    r"convolutional|recurrent (?:net|nets|network|networks|layer|layers)|encoder-decoder|"
    r"machine learning|ml models?|reinforcement learning|(?:un|semi-|self-)?supervised learning|"
    r"few-shot|zero-shot|pre-?trained|classifiers?|"
    r"support vector machines?|svms?|random forests?|gradient boosting|xgboost|k-means|"
    r"large language models?|llms?|word2vec|imagenet|mnist|computer vision|"
    r"tensorflow|tensorflow\.js|tf\.js|tfjs|tflite|tensorflow lite|keras|pytorch|scikit-learn|sklearn"
)
ML_TERM = re.compile(rf"\b(?:{TERMS})\b", re.I)


def mentions_ml(text: str) -> bool:
    """Whether the message names something only machine learning has."""
    return bool(ML_TERM.search(text))


# Making something to deceive or break in: declined whatever it is near ("generate fake reviews"
# sits next to the sentiment skill). Detecting such things is a fair ML task and is not matched.
HARM = re.compile(
    r"\b(?:generate|write|make|create|produce|post|churn out|draft|build|code)\b[^.?!]{0,40}?\b(?:"
    r"fake (?:[\w-]+ ){0,3}(?:reviews?|testimonials?|ratings?|accounts?|comments?|ids?)|phishing|ransomware|"
    r"keyloggers?|malware|spyware|botnets?)\b"
    r"(?!\s+(?:[\w-]+\s+)?(?:classifier|detector|filter|detection|model)s?\b)"
    r"|\b(?:crack|hack into|break into|steal)\b[^.?!]{0,40}?\b(?:passwords?|wi-?fi|accounts?|emails?|phones?)\b"
    # messages meant to hurt a person: "write a mean message I can send to bully a classmate"
    r"|\b(?:bully|harass|threaten|humiliate|stalk|dox|intimidate|blackmail)\w{0,3}\b[^.?!]{0,40}?"
    r"\b(?:classmates?|someone|somebody|him|her|them|my\s+\w+|a\s+\w+|people|kids?|co-?workers?|ex)\b",
    re.I)


def asks_for_harm(text: str) -> bool:
    """Whether the message asks Tutor to make something deceptive or to break into something."""
    return bool(HARM.search(text))


# A word ML shares with everyday life is read in its other sense when the message also names that
# other world: the body and the brain, the gym, cars, fashion, railways and tickets, pets and
# snakes, the mains, the kitchen, operating systems and popcorn, plumbing and oil, the armed
# forces, cakes and clothes, physics and psychology coursework, games. "how do neurons fire for my
# biology exam" and "my tesla clunks over bumps" have no ML sense at all, so they are declined,
# not "not sure" (which asks the course staff). Only a term ML alone uses or the vocabulary of a
# training run (dataset, accuracy, validation, epochs...) keeps such a message on-topic.
OTHER_WORLD = re.compile(
    r"\b(?:brain|brains|biology|biological|synapses?|axons?|dendrites?|nerves?|nerve cells?|"
    r"neuroscience|neurotransmitters?|hippocampus|cortex|anatomy|physiology|psychology|psychologist|"
    r"freud\w*|therapy|therapist|hypnosis|toddler|baby|puppy|parrot|"
    r"gym|dumbbells?|barbells?|kettlebells?|squats?|deadlifts?|bench press|reps|cardio|workout|"
    r"marathon|10k|triathlon|diet|lose weight|bicep|"
    r"cars?|tesla|suv|hatchback|sedan|tyres?|tires?|suspension|speed bumps?|dashboard|"
    r"runway|catwalk|casting|modell?ing agency|photoshoot|scouted|"
    r"railway|railroad|locomotives?|ticket|tickets|platform \d+|seat reservation|station|commute|"
    r"snakes?|reptiles?|vivarium|terrarium|"
    r"substation|utility pole|volts?|voltage|mains|doorbell|hertz|"
    r"recipes?|cooking|cook|bake|baking|oven|soup|cake|sponge|frosting|homebrew|beer|popcorn|corn|"
    r"kernel panic|microkernel|"
    r"plumber|plumbing|drain|oil|gas pipeline|sales pipeline|"
    r"army|navy|troops|military|soldiers?|nato|deployment overseas|overseas|"
    r"wear|jacket|coat|clothes|paint|procreate|photoshop|blender|"
    r"physics|relativity|riemann|spacetime|electromagnetic|stress tensor|metric tensor|continuum mechanics|"
    r"geolog\w*|dinosaurs?|gaming|fps|cyberpunk|crypto|luggage|"
    r"chemistry|economics|atom|keynesian|colon|bowel|stomach|liver|kidneys?|lungs?|bones?|muscles?|"
    # school and its policies, building, trading, elections and courts, the pantry, signals coursework
    r"high schools?|school district|truancy|graduation rates?|concrete|fence posts?|drywall|"
    r"day-?trad\w*|stocks?|stock market|crossover strategy|forex|electoral|elections?|votes?|voters?|"
    r"jury|juries|court|courtroom|pantry|jars|sourdough|dough|bread|pulses|fourier|laplace|"
    # crafts, word games, gaming gear, signals and statistics coursework
    r"sewing|stitch\w*|knit\w*|crochet|yarn|quilt\w*|scrabble|crossword|wordle|dpi|mouse sensitivity|"
    r"headsets?|dsp|audio signals?|anova|t-test|titration)\b", re.I)
# Other programming (web pages, databases, apps): no ML sense unless a model or its training is named.
CODE_WORLD = re.compile(r"\b(?:matlab|java|kotlin|javascript|typescript|css|html|sql|mysql|postgres|php|ruby|"
                        r"swift|swiftui|rust|golang|c#|decorators?|react|django|flask|wordpress|"
                        r"linked lists?|regex)\b", re.I)
MODEL_WORDS = re.compile(r"\b(?:models?|train\w*|text|csv|layers?|predict\w*|tensors?|tf\.\w+|gpus?|"
                         r"deploy\w*|chatbots?|natural language|nlp|servers?)\b", re.I)
# About the book or its chapters ("can a Java developer follow this book?"): on-topic whatever it names.
BOOK = re.compile(r"\b(?:(?:this|the|your) book|book\'s|chapters?|moroney)\b", re.I)
RUN_WORDS = re.compile(
    r"\b(?:datasets?|data ?sets?|training data|training set|test set|validation|accuracy|overfit\w*|"
    r"underfit\w*|epochs|labels?|predictions?|inference|weights and biases|dense|conv(?:[123]d|olution\w*|nets?|s)?|"
    r"fine-?tun\w*|colab|notebook|model\.fit|fit\(|images?|pixels?|photos?|pictures?|"
    r"deep learning|artificial|ml|time series|gpus?|cuda|predict\w*|"
    r"(?:train|fit)\w* (?:a|an|the|my|our|this) (?:[\w-]+ ){0,2}models?|models? (?:is|was|are|were) (?:being )?trained|"
    r"classify|classif\w*|"
    r"detect\w*|recogni[sz]\w*|segment\w*|tokeni[sz]\w*|tokens?|sentiment|ai|scans?|mri|x-?rays?|"
    r"sensors?|readings|tell \w+ (?:from|apart))\b", re.I)


# The words ML shares with other worlds: only a message holding one can mean it in the other sense.
# "I studied physics, how do I become a data scientist?" holds none, so it is left to the ranking.
SHARED = re.compile(r"\b(?:models?|modell?ing|train\w*|flatten\w*|moving averages?|"
                    r"neurons?|neural|networks?|kernels?|weights?|layers?|"
                    r"python|transformers?|tensors?|epochs?|batch\w*|pipelines?|deploy\w*|regression|"
                    r"forecast\w*|predict\w*|dropout|activation|gradients?|loss|serving|"
                    r"inference|vision|features?|labels?|tokens?|sequences?|sigmoid|recurrent|"
                    r"convolution\w*|filters?|pooling|attention|embedd\w*|classif\w*)\b", re.I)
# Careers, the field, and a learner's data or code: context, so "I work for a railway" or "my page
# works from a web server but not from the html file" stays a question for the ranking to place.
FIELD = re.compile(r"\b(?:data scien\w*|careers?|this field|the field|get hired|hiring|interviews?|"
                   r"portfolio|degree|bootcamp|courses?|calculus|linear algebra|math\w*|statistics|"
                   r"tf serving|tensorflow serving|tf hub|tensorflow hub|shapes?|arrays?|numpy|metrics)\b"
                   r"|\w_\w|\w\.\w+\(", re.I)  # an identifier (word_index) or a call (.numpy()): code


def other_sense(text: str) -> bool:
    """Whether the message names another world and nothing of machine learning: a shared word
    ("model", "train", "neuron", "kernel", "weights") in it is meant in that world's sense; other
    programming (CSS, SQL, Java) is another world too unless a model or its training is named."""
    if mentions_ml(text) or RUN_WORDS.search(text) or BOOK.search(text) or FIELD.search(text):
        return False
    if CODE_WORLD.search(text) and not MODEL_WORDS.search(text):
        return True
    # Two different shared words ("what loss for a model of a car's fuel use", "forecast railway
    # ticket sales with a model") mean ML together: the other world is the learner's data, not the topic.
    shared = {word.lower()[:4] for word in SHARED.findall(text)}  # model/modelling, train/training: one
    return len(shared) == 1 and bool(OTHER_WORLD.search(text))
