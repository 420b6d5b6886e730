// The first thing a new learner sees (an empty transcript): what Tutor is, three ways to start
// and the lessons. It is rendered and stored like a bot message, so a reload shows it once.
// The payloads are the bot's own intents (bot/domain.yml) and a question it answers.
export const WELCOME = {
  text: "Hi! I'm **Tutor**, a tutor for machine learning with TensorFlow. Ask me about neural "
    + "networks, vision, NLP, time series or deploying models, paste an error or a traceback "
    + "(Shift+Enter for a new line), or have me train one of the book's models right here: you "
    + "watch it learn, then download it. Lessons take you through it step by step.",
  buttons: [
    { title: "Train a neuron on y = 2x - 1", payload: "/train_neuron" },
    { title: "Train a CNN on the digits", payload: "/train_vision" },
    { title: "What is overfitting?", payload: "what is overfitting?" },
    { title: "Show the lessons", payload: "/list_lessons" },
  ],
  welcome: true,
};
